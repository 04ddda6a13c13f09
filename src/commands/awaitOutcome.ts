import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandStore, StoredOutcome } from './commandStore.ts';

/** Outcomes a caller stops waiting at: the decisions, and a dead letter (no worker will decide it). */
const settled = new Set<StoredOutcome['status']>(['applied', 'rejected', 'dead-lettered']);

/**
 * The command's outcome once it is decided (or dead-lettered), polling the command state every
 * few milliseconds (5, doubling to `maxPollMs`); after `timeoutMs`, the outcome as it stands then
 * (accepted, or waiting for newer code), or undefined for an id never seen. Polling rather than
 * LISTEN: the process answering may not be the one whose command-state writer flushes.
 */
export const awaitOutcome = async (options: {
  store: CommandStore;
  commandId: string;
  timeoutMs: number;
  maxPollMs?: number;
  signal?: AbortSignal;
}): Promise<StoredOutcome | undefined> => {
  const { store, commandId } = options;
  const deadline = performance.now() + options.timeoutMs;
  const maxPoll = options.maxPollMs ?? 20;
  for (let pause = 5; ; pause = Math.min(maxPoll, pause * 2)) {
    const outcome = await store.findOutcome(commandId);
    if (outcome !== undefined && settled.has(outcome.status)) return outcome;
    const left = deadline - performance.now();
    if (left <= 0 || options.signal?.aborted === true) return outcome;
    await sleep(
      Math.min(pause, left),
      undefined,
      options.signal === undefined ? {} : { signal: options.signal },
    ).catch(() => undefined);
  }
};
