import type pg from 'pg';
import type { Lease } from './acquireLease.ts';

/** Lets the lease go at once (a clean stop), so another holder need not wait for it to expire. */
export const releaseLease = async (db: pg.Pool | pg.PoolClient, lease: Lease): Promise<void> => {
  await db.query(
    `update projectionist.leases set expires_at = now() where name = $1 and version = $2 and token = $3`,
    [lease.name, lease.version, lease.token.toString()],
  );
};
