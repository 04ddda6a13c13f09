import type pg from 'pg';
import { inOneRoundTrip, type Statement } from '../db/index.ts';
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

/** The renewal as a statement that fails when the lease was taken over (projectionist.renew_lease, PJ001). */
const renewLeaseOrFailStatement = (lease: Lease): Statement => ({
  text: `select projectionist.renew_lease($1, $2, $3::bigint, $4)`,
  values: [lease.name, lease.version, lease.token.toString(), lease.ttlMs],
});

/**
 * `begin`, the lease renewal, `statements` and `commit` in one round trip (inOneRoundTrip). The
 * renewal runs first and holds the lease row; when the lease was taken over it fails (SQLSTATE
 * PJ001, read as PRJ_LEASE_LOST), so nothing after it runs and nothing commits. Answers the
 * results of `statements`, in order.
 */
export const inLeasedRoundTrip = async (
  pool: pg.Pool,
  lease: Lease,
  statements: readonly Statement[],
): Promise<pg.QueryResult[]> => {
  try {
    return (await inOneRoundTrip(pool, [renewLeaseOrFailStatement(lease), ...statements])).slice(1);
  } catch (error) {
    throw (error as { code?: unknown } | null)?.code === 'PJ001' ? leaseLost(lease, error) : error;
  }
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
