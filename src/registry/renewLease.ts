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

const leaseLost = (lease: Lease, cause?: unknown) =>
  new ProjectionistError(
    'PRJ_LEASE_LOST',
    `the lease of ${lease.name} v${lease.version} was taken over; this process may no longer write it`,
    {
      details: { name: lease.name, version: lease.version, holder: lease.holder },
      ...(cause === undefined ? {} : { cause }),
    },
  );

/** Throws PRJ_LEASE_LOST unless the renewal's result shows it extended the lease. */
export const checkRenewed = (result: Pick<pg.QueryResult, 'rowCount'> | undefined, lease: Lease): void => {
  if (result?.rowCount !== 1) throw leaseLost(lease);
};

/**
 * The renewal as a statement that fails when the lease was taken over (SQLSTATE PJ001, from
 * projectionist.renew_lease), for a simple query whose later statements, its commit among them,
 * must not run then. `asLeaseLost` reads that failure as PRJ_LEASE_LOST.
 */
export const renewLeaseOrFailStatement = (lease: Lease): Statement => ({
  text: `select projectionist.renew_lease($1, $2, $3::bigint, $4)`,
  values: [lease.name, lease.version, lease.token.toString(), lease.ttlMs],
});

/** PRJ_LEASE_LOST for the failure of renewLeaseOrFailStatement; any other error as it is. */
export const asLeaseLost = (error: unknown, lease: Lease): unknown =>
  (error as { code?: unknown } | null)?.code === 'PJ001' ? leaseLost(lease, error) : error;

/**
 * Extends the lease while it still carries this token, taking its row lock until the caller's
 * transaction ends: a takeover waits for that transaction. Throws PRJ_LEASE_LOST otherwise.
 * Every flush runs it first, inside its transaction (flushBatch sends it with `begin`).
 */
export const renewLease = async (db: pg.Pool | pg.PoolClient, lease: Lease): Promise<void> => {
  const { text, values } = renewLeaseStatement(lease);
  checkRenewed(await db.query(text, [...values]), lease);
};
