import { isProjectionistError, type ProjectionistError } from '../../src/errors/index.ts';

/** The error an attempt was refused with; throws when it succeeded or failed with anything else. */
export const refusalOf = async (attempt: Promise<unknown>): Promise<ProjectionistError> => {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isProjectionistError(error)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
};
