import type pg from 'pg';

/**
 * Deletes what shadow reads found for a version (as the candidate), in the caller's transaction:
 * a version emptied for a build from scratch starts its comparisons over. One statement.
 */
export const forgetShadowReads = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
  version: number;
}): Promise<void> => {
  await options.db.query('delete from projectionist.shadow_reads where name = $1 and version = $2', [
    options.name,
    options.version,
  ]);
};
