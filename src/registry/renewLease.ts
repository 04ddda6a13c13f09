import type pg from 'pg';
import { ProjectionistError } from '../errors/index.ts';
import type { Lease } from './acquireLease.ts';

/**
 * Extends the lease while it still carries this token, taking its row lock until the caller's
 * transaction ends: a takeover waits for that transaction. Throws PRJ_LEASE_LOST otherwise.
 * Every flush runs it first, inside its transaction.
 */
export const renewLease = async (db: pg.Pool | pg.PoolClient, lease: Lease): Promise<void> => {
  const result = await db.query(
    `update projectionist.leases set expires_at = now() + $4 * interval '1 millisecond'
     where name = $1 and version = $2 and token = $3`,
    [lease.name, lease.version, lease.token.toString(), lease.ttlMs],
  );
  if (result.rowCount !== 1)
    throw new ProjectionistError(
      'PRJ_LEASE_LOST',
      `the lease of ${lease.name} v${lease.version} was taken over; this process may no longer write it`,
      { details: { name: lease.name, version: lease.version, holder: lease.holder } },
    );
};
