import type pg from 'pg';

/** A session that held a lock another one waited for: enough to find it and decide what to do. */
export type LockBlocker = {
  readonly pid: number;
  readonly user: string | null;
  readonly application: string | null;
  readonly clientAddress: string | null;
  /** active, idle in transaction, ... */
  readonly state: string | null;
  /** Its current statement, or its last one when idle; cut to 500 characters. */
  readonly query: string | null;
  /** How long its transaction has been open; null outside a transaction. */
  readonly xactAgeMs: number | null;
  /** Relations it held locks on, with the modes: `customer_directory.customers AccessShareLock`. */
  readonly locks: readonly string[];
};

type Db = pg.Pool | pg.PoolClient;

type SessionRow = {
  pid: number;
  usename: string | null;
  application_name: string | null;
  client_addr: string | null;
  state: string | null;
  query: string | null;
  xact_age_ms: number | null;
  locks: string[] | null;
};

const sessions = `
  select a.pid, a.usename, nullif(a.application_name, '') as application_name, a.client_addr::text as client_addr,
         a.state, left(a.query, 500) as query,
         round(extract(epoch from (clock_timestamp() - a.xact_start)) * 1000)::float8 as xact_age_ms,
         (select array_agg(n.nspname || '.' || c.relname || ' ' || l.mode order by n.nspname, c.relname)
            from pg_locks l join pg_class c on c.oid = l.relation join pg_namespace n on n.oid = c.relnamespace
           where l.pid = a.pid and l.granted and l.locktype = 'relation'
             and n.nspname not in ('pg_catalog', 'information_schema')) as locks
  from pg_stat_activity a`;

const toBlocker = (r: SessionRow): LockBlocker => ({
  pid: r.pid,
  user: r.usename,
  application: r.application_name,
  clientAddress: r.client_addr,
  state: r.state,
  query: r.query,
  xactAgeMs: r.xact_age_ms,
  locks: r.locks ?? [],
});

/** The sessions that block backend `pid` right now (pg_blocking_pids); empty when it waits for none. */
export const findLockBlockers = async (options: { db: Db; pid: number }): Promise<LockBlocker[]> => {
  const result = await options.db.query<SessionRow>(
    `${sessions} where a.pid = any(pg_blocking_pids($1)) order by a.xact_start nulls last`,
    [options.pid],
  );
  return result.rows.map(toBlocker);
};

/**
 * The sessions, other than the caller's, holding any lock on a relation of `schemas`: who would
 * block a statement that needs those relations exclusively (a view being dropped and made again).
 */
export const findLockHolders = async (options: {
  db: Db;
  schemas: readonly string[];
}): Promise<LockBlocker[]> => {
  const result = await options.db.query<SessionRow>(
    `${sessions}
     where a.pid <> pg_backend_pid()
       and exists (select 1 from pg_locks l join pg_class c on c.oid = l.relation
                     join pg_namespace n on n.oid = c.relnamespace
                    where l.pid = a.pid and l.granted and n.nspname = any($1::text[]))
     order by a.xact_start nulls last`,
    [[...options.schemas]],
  );
  return result.rows.map(toBlocker);
};
