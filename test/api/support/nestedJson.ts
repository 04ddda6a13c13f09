/**
 * JSON text nested `depth` levels deep, as arrays (`[[[]]]`) or objects (`{"n":{"n":{}}}`).
 * Text, not a value: JSON.stringify of a value this deep would overflow the test's own stack.
 */
export const nestedJson = (depth: number, kind: 'array' | 'object'): string =>
  kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"n":'.repeat(depth) + '{}' + '}'.repeat(depth);

/** A string value that `withNested` replaces by nested JSON text in a serialized body. */
export const nestedSlot = '\u0000nested\u0000';

/** Serializes `body`, putting `nested` where the body holds `nestedSlot`. */
export const withNested = (body: unknown, nested: string): string =>
  JSON.stringify(body).replace(JSON.stringify(nestedSlot), nested);
