import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { acquireLease, type Lease } from './acquireLease.ts';

/** Polls until the lease is taken; throws when `signal` aborts first. */
export const waitForLease = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
  version: number;
  holder: string;
  ttlMs: number;
  pollMs?: number;
  signal?: AbortSignal;
  onWait?: () => void;
}): Promise<Lease> => {
  for (let waited = false; ; waited = true) {
    options.signal?.throwIfAborted();
    const lease = await acquireLease(options);
    if (lease !== undefined) return lease;
    if (!waited) options.onWait?.();
    await sleep(options.pollMs ?? Math.max(100, Math.floor(options.ttlMs / 4)), undefined, {
      signal: options.signal,
    });
  }
};
