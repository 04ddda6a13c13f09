import type pg from 'pg';

/**
 * Whether a version has parked events an operator asked to retry, and whether it has streams
 * whose first parked event waits (for code that knows its version). One statement.
 */
export const parkedRetryDue = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
  version: number;
}): Promise<{ requested: boolean; waiting: boolean }> => {
  const result = await options.db.query<{ requested: boolean; waiting: boolean }>(
    `select coalesce(bool_or(retry_requested_at is not null), false) as requested,
            coalesce(bool_or(kind = 'waiting' and behind is null), false) as waiting
     from projectionist.parked where name = $1 and version = $2`,
    [options.name, options.version],
  );
  return result.rows[0] ?? { requested: false, waiting: false };
};
