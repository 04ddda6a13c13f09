import type pg from 'pg';

/**
 * Locks a version's row (`for no key update`: its state cannot change, a runner marking it
 * failed waits) until the caller's transaction ends, and answers its status; undefined when it
 * is not registered. One statement.
 */
export const lockVersionRow = async (options: {
  db: pg.PoolClient;
  name: string;
  version: number;
}): Promise<string | undefined> => {
  const result = await options.db.query<{ status: string }>(
    `select status from projectionist.versions where name = $1 and version = $2 for no key update`,
    [options.name, options.version],
  );
  return result.rows[0]?.status;
};
