import { setTimeout as sleep } from 'node:timers/promises';
import { engineDefaults } from '../config/index.ts';
import { parkedRetryDue, type RetryScope } from '../registry/index.ts';
import type { Position } from '../log/index.ts';
import type { LeasedRun } from './buildAndTail.ts';
import { projectSegment } from './projectSegment.ts';
import { retryParked } from './retryParked.ts';

/**
 * Tails the log under the run's lease until its signal ends it: one segment from the checkpoints
 * after another, each cut short when a retry of parked events is due (an operator asked for one,
 * polled every `parkedPollMs`; or, for events waiting for a newer version, every `parkedRetryMs`),
 * which runs before the next segment. Ends too when a segment ends by itself.
 */
export const tailLog = async (run: LeasedRun): Promise<void> => {
  for (;;) {
    const due = new AbortController();
    const watching = watchParked(run, due);
    const tail = await projectSegment({
      ...run,
      until: 'forever',
      signal: AbortSignal.any([run.signal, due.signal]),
    }).finally(() => due.abort());
    const scope = await watching;
    if (tail.status === 'waiting') {
      await waitForCode(run, tail.position, tail.reason);
      if (run.signal.aborted) return;
      continue;
    }
    if (run.signal.aborted || scope === undefined) return;
    await retryParkedOf(run, scope);
  }
};

/**
 * Until `done` aborts (the tail ended) or a retry is due: answers the scope of the retry that
 * stopped the tail (aborting `done`), or undefined when the tail ended by itself.
 */
const watchParked = async (run: LeasedRun, done: AbortController): Promise<RetryScope | undefined> => {
  const { pool, definition } = run;
  const { name, version } = definition;
  const pollMs = run.parkedPollMs ?? engineDefaults.projector.parkedPollMs;
  const retryMs = run.parkedRetryMs ?? engineDefaults.projector.parkedRetryMs;
  // Counted from the start of this tail: it starts after every retry.
  const since = performance.now();
  const stop = AbortSignal.any([run.signal, done.signal]);
  while (!stop.aborted) {
    await sleep(pollMs, undefined, { signal: stop }).catch(() => undefined);
    if (stop.aborted) return undefined;
    const due = await parkedRetryDue({ db: pool, name, version }).catch(() => undefined);
    const waitingDue = due?.waiting === true && performance.now() - since >= retryMs;
    if (due?.requested !== true && !waitingDue) continue;
    done.abort();
    return due?.requested === true ? 'requested' : 'waiting';
  }
  return undefined;
};

/** An event newer than this code stopped the run where events are not parked: it tries again later. */
export const waitForCode = async (run: LeasedRun, position: Position, reason: string): Promise<void> => {
  const { name, version } = run.definition;
  const retryAfterMs = run.waitRetryMs ?? engineDefaults.projector.waitRetryMs;
  run.logger?.warn(
    { partition: position.partition, offset: position.offset.toString(), reason },
    'waiting for newer code',
  );
  run.emitter.emit('projector:waiting', { name, version, position, reason, retryAfterMs });
  await sleep(retryAfterMs, undefined, { signal: run.signal }).catch(() => undefined);
};

/** Retries the version's parked events in `scope` with this code, under the run's lease. */
export const retryParkedOf = async (run: LeasedRun, scope: RetryScope): Promise<void> => {
  const { pool, definition, decode, lease, emitter } = run;
  const copyThreshold = run.limits.copyThreshold;
  const released = await retryParked({ pool, definition, decode, lease, copyThreshold, emitter, scope });
  if (released > 0) run.logger?.info({ released, scope }, 'parked events retried and applied');
};
