/**
 * Offsets are bigints in memory and decimal strings on the wire, never JavaScript numbers.
 * An offset vector maps partition -> offset; as a position it means "the next offset to read".
 */
export type OffsetVector = ReadonlyMap<number, bigint>;

/** A record's place in the log. */
export type Position = { readonly partition: number; readonly offset: bigint };

export const offsetVectorToJson = (vector: OffsetVector): Record<string, string> =>
  Object.fromEntries([...vector].sort(([a], [b]) => a - b).map(([p, o]) => [String(p), o.toString()]));

export const offsetVectorFromJson = (json: Readonly<Record<string, string>>): OffsetVector =>
  new Map(Object.entries(json).map(([p, o]) => [Number(p), BigInt(o)]));

/** Total records between two vectors (`to - from`, per partition, summed; missing = 0). */
export const offsetDistance = (from: OffsetVector, to: OffsetVector): bigint => {
  let total = 0n;
  for (const [partition, end] of to) {
    const start = from.get(partition) ?? 0n;
    if (end > start) total += end - start;
  }
  return total;
};
