import type pg from 'pg';

/**
 * Replaces a version's replay progress (positions, events applied, target: what status shows).
 * Meant for the flush transaction that commits the rows it describes; `{}` forgets it.
 */
export const writeProgress = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
  version: number;
  progress: Readonly<Record<string, unknown>>;
}): Promise<void> => {
  await options.db.query(`update projectionist.versions set progress = $3 where name = $1 and version = $2`, [
    options.name,
    options.version,
    JSON.stringify(options.progress),
  ]);
};
