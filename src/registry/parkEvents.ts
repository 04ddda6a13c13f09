import type pg from 'pg';
import { storableText, type ParkedEvent } from './parkedEvent.ts';

/**
 * Parks events, in the flush transaction that also moves the checkpoint past them. One parked
 * again (a retry that failed once more) keeps its first parked_at and counts one more attempt;
 * an operator's retry request is then answered. One statement.
 */
export const parkEvents = async (options: {
  db: pg.PoolClient;
  name: string;
  version: number;
  parked: readonly ParkedEvent[];
}): Promise<void> => {
  const { db, name, version, parked } = options;
  if (parked.length === 0) return;
  await db.query(
    `insert into projectionist.parked as p
       (name, version, partition, record_offset, event_id, stream_id, type, written_version, kind, reason,
        behind, envelope)
     select $1, $2, u.* from unnest($3::int[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::int[],
       $9::text[], $10::text[], $11::text[], $12::bytea[])
       as u(partition, record_offset, event_id, stream_id, type, written_version, kind, reason, behind, envelope)
     on conflict (name, version, partition, record_offset) do update
       set kind = excluded.kind, reason = excluded.reason, behind = excluded.behind,
           attempts = p.attempts + 1, last_attempt_at = now(), retry_requested_at = null`,
    [
      name,
      version,
      parked.map((e) => e.position.partition),
      parked.map((e) => e.position.offset.toString()),
      parked.map((e) => storableText(e.eventId)),
      parked.map((e) => storableText(e.streamId)),
      parked.map((e) => storableText(e.type)),
      parked.map((e) => e.writtenVersion),
      parked.map((e) => e.kind),
      parked.map((e) => storableText(e.reason)),
      parked.map((e) => (e.behind === null ? null : storableText(e.behind))),
      parked.map((e) => e.envelope),
    ],
  );
};
