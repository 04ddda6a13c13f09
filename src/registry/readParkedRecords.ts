import type pg from 'pg';
import type { LogRecord, Position } from '../log/index.ts';

/**
 * Which parked streams a retry takes: `all`; `waiting`, those whose first parked event waits
 * (for code that knows its version); `requested`, those an operator asked to retry.
 */
export type RetryScope = 'all' | 'waiting' | 'requested';

/**
 * A page of the parked events of the streams in `scope`, as the log records they were parked
 * from, in log order, after `after`. A stream's events all come along, its first one included,
 * so that they are retried in their order. One statement.
 */
export const readParkedRecords = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
  version: number;
  scope: RetryScope;
  after: Position | undefined;
  limit: number;
}): Promise<LogRecord[]> => {
  const { db, name, version, scope, after, limit } = options;
  const result = await db.query<{ partition: number; record_offset: string; envelope: Buffer }>(
    `with heads as (
       select distinct on (stream_id) stream_id, kind from projectionist.parked
       where name = $1 and version = $2
       order by stream_id, partition, record_offset),
     chosen as (
       select h.stream_id from heads h
       where $3 = 'all'
          or ($3 = 'waiting' and h.kind = 'waiting')
          or ($3 = 'requested' and exists (
                select 1 from projectionist.parked r
                where r.name = $1 and r.version = $2 and r.stream_id = h.stream_id
                  and r.retry_requested_at is not null)))
     select p.partition, p.record_offset::text as record_offset, p.envelope
     from projectionist.parked p join chosen c on c.stream_id = p.stream_id
     where p.name = $1 and p.version = $2 and (p.partition, p.record_offset) > ($4::int, $5::bigint)
     order by p.partition, p.record_offset
     limit $6`,
    [name, version, scope, after?.partition ?? -1, (after?.offset ?? -1n).toString(), limit],
  );
  return result.rows.map((r) => ({
    partition: r.partition,
    offset: BigInt(r.record_offset),
    key: null,
    value: r.envelope,
    headers: {},
    timestamp: '0',
  }));
};
