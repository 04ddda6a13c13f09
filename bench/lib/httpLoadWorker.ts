// The worker thread of runHttpLoad (httpLoad.ts): GETs the given URLs in turn at a fixed rate, open
// loop, until told to stop; answers each request's latency.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import type { HttpLoadPlan, HttpSample } from './httpLoad.ts';

const plan = workerData as HttpLoadPlan;
let stopping = false;
parentPort?.on('message', () => (stopping = true));

const get = async (url: string, startedAt: number): Promise<HttpSample> => {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return { at: startedAt, ms: performance.now() - startedAt, status: res.status };
  } catch {
    return { at: startedAt, ms: performance.now() - startedAt, status: 0 };
  }
};

const samples: Promise<HttpSample>[] = [];
const start = performance.now();
for (let i = 0; !stopping; i++) {
  const wait = start + (i * 1000) / plan.perSecond - performance.now();
  if (wait > 1) await sleep(wait);
  samples.push(get(plan.urls[i % plan.urls.length]!, performance.now()));
}
parentPort?.postMessage(await Promise.all(samples));
