/**
 * A value as JSON can carry it: bigints (offsets, counts) as decimal strings, Maps (offset
 * vectors) as objects, errors as `{ code, message }`. What every admin answer and server-sent
 * event goes through, so that no offset is ever a JavaScript number.
 */
export const jsonSafe = (value: unknown): unknown =>
  JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Map) return Object.fromEntries(v as Map<unknown, unknown>) as unknown;
      if (v instanceof Error)
        return { code: (v as { code?: unknown }).code ?? 'PRJ_INTERNAL', message: v.message };
      return v;
    }) ?? 'null',
  ) as unknown;
