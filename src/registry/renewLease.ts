import type pg from 'pg';
import type { Statement } from '../db/index.ts';
import { ProjectionistError } from '../errors/index.ts';
import type { Lease } from './acquireLease.ts';

/** The statement that extends the lease while it still carries this token (see renewLease). */
export const renewLeaseStatement = (lease: Lease): Statement => ({
  text: `update projectionist.leases set expires_at = now() + $4 * interval '1 millisecond'
     where name = $1 and version = $2 and token = $3`,
  values: [lease.name, lease.version, lease.token.toString(), lease.ttlMs],
});

/** Throws PRJ_LEASE_LOST unless the renewal's result shows it extended the lease. */
export const checkRenewed = (result: Pick<pg.QueryResult, 'rowCount'> | undefined, lease: Lease): void => {
  if (result?.rowCount !== 1)
    throw new ProjectionistError(
      'PRJ_LEASE_LOST',
      `the lease of ${lease.name} v${lease.version} was taken over; this process may no longer write it`,
      { details: { name: lease.name, version: lease.version, holder: lease.holder } },
    );
};

/**
 * Extends the lease while it still carries this token, taking its row lock until the caller's
 * transaction ends: a takeover waits for that transaction. Throws PRJ_LEASE_LOST otherwise.
 * Every flush runs it first, inside its transaction (flushBatch sends it with `begin`).
 */
export const renewLease = async (db: pg.Pool | pg.PoolClient, lease: Lease): Promise<void> => {
  const { text, values } = renewLeaseStatement(lease);
  checkRenewed(await db.query(text, [...values]), lease);
};
