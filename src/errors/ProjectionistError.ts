import { errorCodes, type ErrorCode } from './errorCodes.ts';

/** The one base error: a code from the closed list, an optional cause, and structured details. */
export class ProjectionistError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProjectionistError';
    this.code = code;
    this.retryable = errorCodes[code].retryable;
    this.details = Object.freeze({ ...options.details });
  }
}

export const isProjectionistError = (error: unknown, code?: ErrorCode): error is ProjectionistError =>
  error instanceof ProjectionistError && (code === undefined || error.code === code);
