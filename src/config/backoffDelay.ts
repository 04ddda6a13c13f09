import type { Backoff } from './engineDefaults.ts';

/**
 * The pause after the `failures`-th failure in a row (0 for the first): from `minMs`, doubling,
 * to at most `maxMs`; each bound the caller leaves out is the default's.
 */
export const backoffDelay = (options: {
  backoff: { readonly minMs?: number; readonly maxMs?: number } | undefined;
  defaults: Backoff;
  failures: number;
}): number => {
  const minMs = options.backoff?.minMs ?? options.defaults.minMs;
  const maxMs = options.backoff?.maxMs ?? options.defaults.maxMs;
  return Math.min(maxMs, minMs * 2 ** options.failures);
};
