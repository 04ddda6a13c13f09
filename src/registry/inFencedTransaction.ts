import type pg from 'pg';
import { inTransaction } from '../db/index.ts';
import type { Lease } from './acquireLease.ts';
import { renewLease } from './renewLease.ts';

/**
 * Runs `work` in a transaction that first checks the lease still carries this token (and holds
 * its row until commit), as every flush does: a process that was taken over changes nothing.
 * PRJ_LEASE_LOST otherwise.
 */
export const inFencedTransaction = <T>(
  pool: pg.Pool,
  lease: Lease,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> =>
  inTransaction(pool, async (client) => {
    await renewLease(client, lease);
    return work(client);
  });
