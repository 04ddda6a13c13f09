/**
 * Whether PostgreSQL refused data rather than failed to serve: SQLSTATE class 22 (data
 * exception: 22021 invalid byte sequence, 22P05 untranslatable character, 22008 datetime out
 * of range, 22003 numeric out of range, ...) or 23 (integrity constraint violation). Such a
 * refusal comes back on every retry, so the engine looks for the events that caused it instead.
 * A lost connection, a failed commit or a lost lease is not one: those are retried as they are.
 */
export const isDataError = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
};
