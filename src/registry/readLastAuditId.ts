import type pg from 'pg';

/** The id of the newest audit entry (a decimal string), "0" when there is none. One statement. */
export const readLastAuditId = async (options: { db: pg.Pool | pg.PoolClient }): Promise<string> => {
  const result = await options.db.query<{ id: string }>(
    `select coalesce(max(id), 0)::text as id from projectionist.audit`,
  );
  return result.rows[0]?.id ?? '0';
};
