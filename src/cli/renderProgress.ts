/** A progress bar: `[#########-----------]  45.0%`. */
export const renderProgress = (done: bigint, total: bigint, width = 30): string => {
  const fraction = total === 0n ? 1 : Math.min(1, Number((done * 10_000n) / total) / 10_000);
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(1).padStart(5)}%`;
};
