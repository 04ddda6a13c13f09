import { engineDefaults } from '../config/index.ts';
import type { OffsetVector } from '../log/index.ts';

export type Progress = {
  /** Records up to the target that the positions cover. */
  readonly applied: bigint;
  readonly total: bigint;
  /** Records per second over the window; 0 until two measures are apart. */
  readonly rate: number;
  /** Milliseconds left at that rate; null while the rate is 0, 0 once done. */
  readonly etaMs: number | null;
};

/**
 * Measures a replay's progress toward a target vector: how much of it the committed positions
 * cover, the rate over the last `windowMs` (default 10,000 ms) and the time left at that rate.
 */
export const createProgressMeter = (options: {
  target: OffsetVector;
  windowMs?: number;
  now?: () => number;
}): { readonly total: bigint; measure(positions: OffsetVector): Progress } => {
  const { target } = options;
  const now = options.now ?? (() => performance.now());
  const windowMs = options.windowMs ?? engineDefaults.rebuild.progressWindowMs;
  const total = [...target.values()].reduce((a, b) => a + b, 0n);
  const samples: { at: number; applied: bigint }[] = [];
  return {
    total,
    measure: (positions) => {
      let applied = 0n;
      for (const [partition, end] of target) {
        const at = positions.get(partition) ?? 0n;
        applied += at < end ? at : end;
      }
      const at = now();
      samples.push({ at, applied });
      while (samples.length > 2 && (samples[1]?.at ?? at) <= at - windowMs) samples.shift();
      const first = samples[0] ?? { at, applied };
      const rate = at > first.at ? (Number(applied - first.applied) * 1000) / (at - first.at) : 0;
      const left = total - applied;
      const etaMs = left <= 0n ? 0 : rate > 0 ? Math.round((Number(left) * 1000) / rate) : null;
      return { applied, total, rate, etaMs };
    },
  };
};
