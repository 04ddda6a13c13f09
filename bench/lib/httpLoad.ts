import { Worker } from 'node:worker_threads';

export type HttpLoadPlan = {
  /** GET in turn. */
  readonly urls: readonly string[];
  /** Requests started per second, answered or not (open loop). */
  readonly perSecond: number;
};

/** One request: when it started (performance.now() of the load thread), its latency and status. */
export type HttpSample = { readonly at: number; readonly ms: number; readonly status: number };

/**
 * GETs at a steady rate from a worker thread of its own (so the load does not share the measured
 * event loop) until `stop()`; `stop()` answers every request's sample once all are answered.
 */
export const runHttpLoad = (plan: HttpLoadPlan): { stop(): Promise<HttpSample[]> } => {
  const worker = new Worker(new URL('./httpLoadWorker.ts', import.meta.url), { workerData: plan });
  const done = new Promise<HttpSample[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the HTTP load worker exited with code ${code}`));
    });
  });
  return {
    stop: async () => {
      worker.postMessage('stop');
      const samples = await done;
      await worker.terminate();
      return samples;
    },
  };
};
