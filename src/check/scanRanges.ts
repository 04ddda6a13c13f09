import type { OffsetVector } from '../log/index.ts';

/** Offsets of one partition to read: `from` up to `until` (exclusive). */
export type ScanRange = { readonly partition: number; readonly from: bigint; readonly until: bigint };

/**
 * What a check reads of a topic, in passes (each an offset vector pair for readLog): the whole
 * of every partition, or with `sample` its first ⌈N/2⌉ and its last ⌊N/2⌋ offsets: the oldest
 * records hold the oldest versions the upcasters must still read, the newest what the writers of
 * now write (a version newer than this code). A partition shorter than N is read whole, once.
 */
export const scanRanges = (options: {
  earliest: OffsetVector;
  latest: OffsetVector;
  sample?: number | undefined;
}): ScanRange[][] => {
  const { earliest, latest, sample } = options;
  const partitions = [...latest.keys()].sort((a, b) => a - b);
  const whole = partitions.map((partition) => ({
    partition,
    from: earliest.get(partition) ?? 0n,
    until: latest.get(partition) ?? 0n,
  }));
  if (sample === undefined) return [whole];
  const head = BigInt(Math.ceil(sample / 2));
  const tail = BigInt(Math.floor(sample / 2));
  const first = whole.map((r) => ({ ...r, until: r.from + head < r.until ? r.from + head : r.until }));
  const last = whole.map((r, i) => {
    const headEnd = first[i]?.until ?? r.until;
    return { ...r, from: r.until - tail > headEnd ? r.until - tail : headEnd };
  });
  return [first, last];
};

/** How many offsets the ranges cover. */
export const rangeSize = (ranges: readonly ScanRange[]): bigint =>
  ranges.reduce((sum, r) => sum + (r.until > r.from ? r.until - r.from : 0n), 0n);
