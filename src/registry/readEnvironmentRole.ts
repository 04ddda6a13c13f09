import type pg from 'pg';

/**
 * What a database's mark says it is for: 'production', 'staging', or undefined when it holds no
 * mark (no table, or a table without its row). Works on any database, migrated or not: the
 * table's presence is asked first (to_regclass reads pg_catalog, so a table the user may not
 * read still counts as present, and reading it then fails rather than passing for absent).
 */
export const readEnvironmentRole = async (options: {
  db: pg.Pool | pg.PoolClient;
}): Promise<string | undefined> => {
  const exists = await options.db.query<{ found: boolean }>(
    `select to_regclass('projectionist_environment.role') is not null as found`,
  );
  if (exists.rows[0]?.found !== true) return undefined;
  const result = await options.db.query<{ role: string }>(
    `select role from projectionist_environment.role limit 1`,
  );
  return result.rows[0]?.role;
};
