import type pg from 'pg';
import type { AuditEntry } from './readCutoversSince.ts';

/**
 * The newest audit entries, newest first: every cutover and rollback (of one projection with
 * `name`), at most `limit`, before the entry `beforeId` (a decimal string) when given, for
 * paging back. One statement.
 */
export const readAuditLog = async (options: {
  db: pg.Pool | pg.PoolClient;
  name?: string;
  limit: number;
  beforeId?: string;
}): Promise<AuditEntry[]> => {
  const result = await options.db.query<{
    id: string;
    name: string;
    from_version: number | null;
    to_version: number;
    actor: string;
    at: Date;
    took_ms: number;
  }>(
    `select id::text as id, name, from_version, to_version, actor, at, took_ms from projectionist.audit
     where ($1::text is null or name = $1) and ($2::bigint is null or id < $2::bigint)
     order by id desc limit $3`,
    [options.name ?? null, options.beforeId ?? null, options.limit],
  );
  return result.rows.map((r) => ({
    id: r.id,
    name: r.name,
    from: r.from_version,
    to: r.to_version,
    actor: r.actor,
    at: r.at,
    tookMs: r.took_ms,
  }));
};
