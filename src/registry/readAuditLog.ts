import type pg from 'pg';
import { auditColumns, auditEntryOf, type AuditEntry, type AuditRow } from './readCutoversSince.ts';

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
  const result = await options.db.query<AuditRow>(
    `select ${auditColumns} from projectionist.audit
     where ($1::text is null or name = $1) and ($2::bigint is null or id < $2::bigint)
     order by id desc limit $3`,
    [options.name ?? null, options.beforeId ?? null, options.limit],
  );
  return result.rows.map(auditEntryOf);
};
