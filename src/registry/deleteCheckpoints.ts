import type pg from 'pg';

/** Forgets every checkpoint of a version: its next build reads from the start of the log. One statement. */
export const deleteCheckpoints = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
  version: number;
}): Promise<void> => {
  await options.db.query(`delete from projectionist.checkpoints where name = $1 and version = $2`, [
    options.name,
    options.version,
  ]);
};
