/**
 * The p-th percentile (0–100) of `values` by the nearest-rank method: a value that occurred,
 * never an interpolation. NaN for no values.
 */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((Math.min(100, Math.max(0, p)) / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)] ?? Number.NaN;
};

/** The median of `values` (the 50th percentile): what results report over repeated runs. */
export const median = (values: readonly number[]): number => percentile(values, 50);
