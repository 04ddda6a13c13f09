import type pg from 'pg';

/**
 * A projection's active version and the version that served before it (the `from` of the audit
 * entry that made the active one active; null when it was the first). Undefined for an unknown
 * projection. One statement.
 */
export const readRollbackTarget = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
}): Promise<{ activeVersion: number | null; previous: number | null } | undefined> => {
  const result = await options.db.query<{ active_version: number | null; previous: number | null }>(
    `select p.active_version,
            (select a.from_version from projectionist.audit a
              where a.name = p.name and a.to_version = p.active_version order by a.id desc limit 1) as previous
     from projectionist.projections p where p.name = $1`,
    [options.name],
  );
  const row = result.rows[0];
  return row === undefined ? undefined : { activeVersion: row.active_version, previous: row.previous };
};
