import type pg from 'pg';

/**
 * The events topic the last staging refresh into this database built it from, as that refresh
 * recorded it (`summary.source`). Undefined when no refresh finished here; `null` for a refresh
 * that recorded none (made before sources were recorded: it read the production events topic).
 */
export const readRefreshSource = async (options: {
  db: pg.Pool | pg.PoolClient;
}): Promise<string | null | undefined> => {
  const exists = await options.db.query<{ found: boolean }>(
    `select to_regclass('projectionist_environment.refreshes') is not null as found`,
  );
  if (exists.rows[0]?.found !== true) return undefined;
  const result = await options.db.query<{ source: string | null }>(
    `select summary->>'source' as source from projectionist_environment.refreshes order by id desc limit 1`,
  );
  const row = result.rows[0];
  return row === undefined ? undefined : row.source;
};
