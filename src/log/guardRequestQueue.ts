import { createRequire } from 'node:module';

type RequestQueueShape = {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: unknown;
  scheduleCheckPendingRequests(): void;
};

let guarded = false;

/**
 * kafkajs 2.2.4's RequestQueue.scheduleCheckPendingRequests computes `throttledUntil - now`
 * (-1 - now when never throttled) and, with no request pending, passes that negative delay to
 * setTimeout after every response: Node 24 warns (TimeoutNegativeWarning) and runs the timer in
 * 1 ms, which schedules the next one, so each connection spins a 1 ms timer loop for its life
 * (tulios/kafkajs#1704, #1751). With nothing pending and no throttle there is nothing to check
 * (a push or a response checks again), so the guard schedules nothing then; otherwise kafkajs's
 * own method runs. Applied once, before any connection; a kafkajs of another shape is left alone.
 */
export const guardRequestQueue = (): boolean => {
  if (guarded) return true;
  const require = createRequire(import.meta.url);
  let RequestQueue: { prototype: RequestQueueShape } | undefined;
  try {
    RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueueShape };
  } catch {
    return false;
  }
  const original = RequestQueue.prototype.scheduleCheckPendingRequests;
  if (typeof original !== 'function') return false;
  RequestQueue.prototype.scheduleCheckPendingRequests = function (this: RequestQueueShape) {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    original.call(this);
  };
  guarded = true;
  return true;
};
