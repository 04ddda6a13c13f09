import type pg from 'pg';

/**
 * Which of these streams hold an event the version parked, each with the reason of its first
 * one (in log order). Streams without one are left out. One statement.
 */
export const readParkedReasons = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
  version: number;
  streamIds: readonly string[];
}): Promise<Map<string, string>> => {
  if (options.streamIds.length === 0) return new Map();
  const result = await options.db.query<{ stream_id: string; reason: string }>(
    `select distinct on (stream_id) stream_id, reason from projectionist.parked
     where name = $1 and version = $2 and stream_id = any($3::text[])
     order by stream_id, partition, record_offset`,
    [options.name, options.version, [...options.streamIds]],
  );
  return new Map(result.rows.map((r) => [r.stream_id, r.reason]));
};
