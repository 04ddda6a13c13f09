import type pg from 'pg';

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
