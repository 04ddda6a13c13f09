import type { Probe } from './createHealth.ts';

/**
 * Turns failure events into a probe: down from a failure until `forMs` pass without another.
 * For components that announce faults (the rebuild engine's `engine:error`) but not recovery.
 */
export const failureWindow = (): { fail(reason: string, forMs: number): void; probe: Probe } => {
  let until = 0;
  let last = '';
  return {
    fail: (reason, forMs) => {
      last = reason;
      until = Math.max(until, Date.now() + forMs);
    },
    probe: async () => {
      if (Date.now() < until) throw new Error(last);
    },
  };
};
