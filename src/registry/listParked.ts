import type pg from 'pg';
import type { ParkedEvent, ParkKind } from './parkedEvent.ts';

/** A parked event as operators see it: where, what, why; never its data (it may be personal). */
export type ParkedSummary = Omit<ParkedEvent, 'position' | 'envelope'> & {
  readonly partition: number;
  readonly offset: bigint;
  readonly parkedAt: Date;
  readonly attempts: number;
  readonly lastAttemptAt: Date;
  readonly retryRequestedAt: Date | null;
};

/** A version's parked events in log order (at most `limit`, default 1,000). One statement. */
export const listParked = async (options: {
  pool: pg.Pool;
  name: string;
  version: number;
  limit?: number;
}): Promise<ParkedSummary[]> => {
  const result = await options.pool.query<{
    partition: number;
    record_offset: string;
    event_id: string;
    stream_id: string;
    type: string;
    written_version: number;
    kind: ParkKind;
    reason: string;
    behind: string | null;
    parked_at: Date;
    attempts: number;
    last_attempt_at: Date;
    retry_requested_at: Date | null;
  }>(
    `select partition, record_offset::text as record_offset, event_id, stream_id, type, written_version,
            kind, reason, behind, parked_at, attempts, last_attempt_at, retry_requested_at
     from projectionist.parked where name = $1 and version = $2
     order by partition, record_offset limit $3`,
    [options.name, options.version, options.limit ?? 1_000],
  );
  return result.rows.map((r) => ({
    partition: r.partition,
    offset: BigInt(r.record_offset),
    eventId: r.event_id,
    streamId: r.stream_id,
    type: r.type,
    writtenVersion: r.written_version,
    kind: r.kind,
    reason: r.reason,
    behind: r.behind,
    parkedAt: r.parked_at,
    attempts: r.attempts,
    lastAttemptAt: r.last_attempt_at,
    retryRequestedAt: r.retry_requested_at,
  }));
};
