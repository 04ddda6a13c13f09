import type fc from 'fast-check';

/**
 * Leaves out values holding a `__proto__` key. fastify's JSON parser refuses such a body outright
 * (a 400 with no schema issues, to stop prototype poisoning), so a generator of otherwise valid,
 * or of schema-invalid, commands must not make one.
 */
export const withoutProtoKeys = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  arbitrary.filter((value) => !JSON.stringify(value).includes('"__proto__"'));
