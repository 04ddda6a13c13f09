import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { errorCodes, isProjectionistError, type ErrorCode } from '../errors/index.ts';
import type { Logger } from '../logger/index.ts';

/** An RFC 9457 problem document, with the project's error code and, for bad input, the issues. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  issues?: readonly { path: string; message: string; code?: string }[];
};

export const problemOf = (code: ErrorCode, detail: string, extra: Partial<Problem> = {}): Problem => ({
  type: `https://projectionist.dev/errors/${code}`,
  title: errorCodes[code].summary,
  status: errorCodes[code].status,
  detail,
  code,
  ...extra,
});

export const sendProblem = (reply: FastifyReply, problem: Problem): FastifyReply =>
  reply.code(problem.status).type('application/problem+json').send(problem);

/** fastify's own codes for what a client sent wrong, mapped to ours. Never a 5xx for these. */
const fastifyClientErrors: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PRJ_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'PRJ_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'PRJ_VALIDATION',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'PRJ_VALIDATION',
  FST_ERR_CTP_INVALID_JSON_BODY: 'PRJ_VALIDATION',
  FST_ERR_VALIDATION: 'PRJ_VALIDATION',
};

/** The app's error handler: every error becomes a problem document; 5xx only for our own faults. */
export const problemHandler =
  (logger: Logger) =>
  (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      return sendProblem(
        reply,
        problemOf(
          'PRJ_VALIDATION',
          `the request ${error.validationContext ?? 'input'} does not match its schema`,
          {
            instance: request.url,
            issues: error.validation.map((v) => ({
              path: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
              message: v.message ?? 'invalid',
              code: v.keyword,
            })),
          },
        ),
      );
    }
    if (isProjectionistError(error)) {
      const issues = error.details.issues as Problem['issues'];
      return sendProblem(
        reply,
        problemOf(error.code, error.message, { instance: request.url, ...(issues ? { issues } : {}) }),
      );
    }
    const mapped = error.code === undefined ? undefined : fastifyClientErrors[error.code];
    if (
      mapped !== undefined ||
      (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
    ) {
      return sendProblem(reply, {
        ...problemOf(mapped ?? 'PRJ_VALIDATION', error.message, { instance: request.url }),
        status:
          error.statusCode !== undefined && error.statusCode < 500
            ? error.statusCode
            : errorCodes[mapped ?? 'PRJ_VALIDATION'].status,
      });
    }
    logger.error({ err: error, url: request.url, method: request.method }, 'request failed');
    return sendProblem(
      reply,
      problemOf('PRJ_INTERNAL', 'an unexpected fault; the server log has the details', {
        instance: request.url,
      }),
    );
  };
