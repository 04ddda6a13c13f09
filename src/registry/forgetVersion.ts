import type pg from 'pg';

/**
 * Deletes what the registry holds about one version: its checkpoints, its lease and its row
 * (its rebuild row and parked events go with the row, on delete cascade), so that it can be
 * registered again from nothing. The projection's row stays. For test kits, never the engine.
 * One statement.
 */
export const forgetVersion = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
  version: number;
}): Promise<void> => {
  await options.db.query(
    `with checkpoints as (delete from projectionist.checkpoints where name = $1 and version = $2),
          leases as (delete from projectionist.leases where name = $1 and version = $2)
     delete from projectionist.versions where name = $1 and version = $2`,
    [options.name, options.version],
  );
};
