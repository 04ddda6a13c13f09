import type pg from 'pg';
import type { Lease } from './acquireLease.ts';
import { renewLease } from './renewLease.ts';

/**
 * Renews the lease every third of its time to live until the returned function is called.
 * `onLost` runs once when a renewal finds it taken over; a failed renewal for any other reason
 * (a dropped connection) is retried at the next tick, the flushes' fencing keeps writes safe.
 */
export const keepLeaseAlive = (options: {
  db: pg.Pool | pg.PoolClient;
  lease: Lease;
  onLost: (error: unknown) => void;
}): (() => void) => {
  const { db, lease, onLost } = options;
  let lost = false;
  const timer = setInterval(
    () => {
      renewLease(db, lease).catch((error: unknown) => {
        if (lost || (error as { code?: unknown }).code !== 'PRJ_LEASE_LOST') return;
        lost = true;
        onLost(error);
      });
    },
    Math.max(50, Math.floor(lease.ttlMs / 3)),
  );
  return () => clearInterval(timer);
};
