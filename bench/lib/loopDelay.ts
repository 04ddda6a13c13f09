import { monitorEventLoopDelay } from 'node:perf_hooks';

export type LoopDelay = { readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };

const resolutionMs = 10;

/**
 * Watches this thread's event loop (monitorEventLoopDelay) until `stop()`. That histogram records
 * the time between the runs of its own timer, so each value holds the resolution (an idle loop
 * reads 10.2 ms at a 10 ms resolution): the figures answered are the delays beyond it.
 */
export const watchEventLoop = (): { stop(): LoopDelay } => {
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  const beyond = (ns: number) => Math.max(0, ns / 1e6 - resolutionMs);
  return {
    stop: () => {
      histogram.disable();
      return {
        p50Ms: beyond(histogram.percentile(50)),
        p99Ms: beyond(histogram.percentile(99)),
        maxMs: beyond(histogram.max),
      };
    },
  };
};
