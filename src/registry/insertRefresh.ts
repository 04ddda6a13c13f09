import type pg from 'pg';

/**
 * Records a finished staging refresh in the target: up to which offsets, which versions, and the
 * filter's summary (counts under contract types and paths only). One statement.
 */
export const insertRefresh = async (options: {
  db: pg.Pool | pg.PoolClient;
  /** The offsets it read up to, {"partition": "offset"}. */
  target: Readonly<Record<string, string>>;
  projections: readonly unknown[];
  summary: unknown;
}): Promise<void> => {
  await options.db.query(
    `insert into projectionist_environment.refreshes (target, projections, summary) values ($1, $2, $3)`,
    [JSON.stringify(options.target), JSON.stringify(options.projections), JSON.stringify(options.summary)],
  );
};
