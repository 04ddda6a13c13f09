import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { ProjectionistError } from '../errors/index.ts';

/**
 * The right to write one projection version (or one reactor). `token` grows by one at every
 * acquisition: a flush commits only while the row still carries its token, so a holder that
 * was taken over (a paused or partitioned process) can no longer write.
 */
export type Lease = {
  readonly name: string;
  readonly version: number;
  readonly holder: string;
  readonly token: bigint;
  readonly ttlMs: number;
};

type Db = pg.Pool | pg.PoolClient;

/**
 * Takes the lease when it is free, expired, or already this holder's (a restart of the same
 * holder fences its own earlier run). Answers undefined while another holder has it.
 */
export const acquireLease = async (options: {
  db: Db;
  name: string;
  version: number;
  holder: string;
  ttlMs: number;
}): Promise<Lease | undefined> => {
  const { db, name, version, holder, ttlMs } = options;
  const result = await db.query<{ token: string }>(
    `insert into projectionist.leases as l (name, version, holder, token, expires_at, acquired_at)
     values ($1, $2, $3, 1, now() + $4 * interval '1 millisecond', now())
     on conflict (name, version) do update
       set holder = excluded.holder, token = l.token + 1, expires_at = excluded.expires_at, acquired_at = now()
       where l.expires_at <= now() or l.holder = excluded.holder
     returning token::text as token`,
    [name, version, holder, ttlMs],
  );
  const token = result.rows[0]?.token;
  return token === undefined ? undefined : { name, version, holder, token: BigInt(token), ttlMs };
};

/** Polls until the lease is taken; throws when `signal` aborts first. */
export const waitForLease = async (options: {
  db: Db;
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

/**
 * Extends the lease while it still carries this token, taking its row lock until the caller's
 * transaction ends: a takeover waits for that transaction. Throws PRJ_LEASE_LOST otherwise.
 * Every flush runs it first, inside its transaction.
 */
export const renewLease = async (db: Db, lease: Lease): Promise<void> => {
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

/** Lets the lease go at once (a clean stop), so another holder need not wait for it to expire. */
export const releaseLease = async (db: Db, lease: Lease): Promise<void> => {
  await db.query(
    `update projectionist.leases set expires_at = now() where name = $1 and version = $2 and token = $3`,
    [lease.name, lease.version, lease.token.toString()],
  );
};

/**
 * Renews the lease every third of its time to live until the returned function is called.
 * `onLost` runs once when a renewal finds it taken over; a failed renewal for any other reason
 * (a dropped connection) is retried at the next tick, the flushes' fencing keeps writes safe.
 */
export const keepLeaseAlive = (options: {
  db: Db;
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
