import type pg from 'pg';

/**
 * The streams of a version that hold a parked event, each with the id of its first one (the
 * event the stream's later events queue behind), keyed by the stored stream id. One statement.
 */
export const readBlockedStreams = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
  version: number;
}): Promise<Map<string, string>> => {
  const result = await options.db.query<{ stream_id: string; event_id: string }>(
    `select distinct on (stream_id) stream_id, event_id from projectionist.parked
     where name = $1 and version = $2
     order by stream_id, partition, record_offset`,
    [options.name, options.version],
  );
  return new Map(result.rows.map((r) => [r.stream_id, r.event_id]));
};
