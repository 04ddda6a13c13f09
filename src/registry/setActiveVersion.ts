import type pg from 'pg';

/** Records which version a projection's stable views point at; meant for the cutover's transaction. One statement. */
export const setActiveVersion = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
  version: number;
}): Promise<void> => {
  await options.db.query(`update projectionist.projections set active_version = $2 where name = $1`, [
    options.name,
    options.version,
  ]);
};
