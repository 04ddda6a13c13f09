import type pg from 'pg';

/**
 * The version a projection's stable views point at (null when none), asked through one of its
 * versions: undefined when that version is not registered. One statement.
 */
export const readVersionActive = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
  version: number;
}): Promise<{ activeVersion: number | null } | undefined> => {
  const result = await options.db.query<{ active_version: number | null }>(
    `select p.active_version from projectionist.projections p
     join projectionist.versions v on v.name = p.name and v.version = $2 where p.name = $1`,
    [options.name, options.version],
  );
  const row = result.rows[0];
  return row === undefined ? undefined : { activeVersion: row.active_version };
};
