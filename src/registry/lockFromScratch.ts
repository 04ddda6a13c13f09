import type pg from 'pg';

/**
 * Locks a version's rebuild row until the caller's transaction ends (a request arriving
 * meanwhile waits for it) and answers whether a build from scratch is asked. False when the
 * version has no rebuild row. One statement.
 */
export const lockFromScratch = async (options: {
  db: pg.PoolClient;
  name: string;
  version: number;
}): Promise<boolean> => {
  const result = await options.db.query<{ from_scratch: boolean }>(
    `select from_scratch from projectionist.rebuilds where name = $1 and version = $2 for update`,
    [options.name, options.version],
  );
  return result.rows[0]?.from_scratch === true;
};
