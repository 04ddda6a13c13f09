import type { Statement } from '../db/index.ts';

/**
 * Which of these streams hold an event the version parked, each with the reason of its first
 * one (in log order; see parkedReasons). Streams without one are left out.
 */
export const parkedReasonsStatement = (options: {
  name: string;
  version: number;
  streamIds: readonly string[];
}): Statement => ({
  text: `select distinct on (stream_id) stream_id, reason from projectionist.parked
     where name = $1 and version = $2 and stream_id = any($3::text[])
     order by stream_id, partition, record_offset`,
  values: [options.name, options.version, [...options.streamIds]],
});

/** Its rows, by stream. */
export const parkedReasons = (rows: readonly { stream_id: string; reason: string }[]): Map<string, string> =>
  new Map(rows.map((r) => [r.stream_id, r.reason]));
