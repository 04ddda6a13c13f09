import type pg from 'pg';
import { ProjectionistError } from '../errors/index.ts';

/**
 * Gives parked events up for good: the one `eventId` names, or without it every `failed` one
 * (those queued behind them stay, and follow). The events that queued behind a skipped one
 * are retried at once (a retry request on their stream), in order. Its rows never see the skipped
 * events; a rebuild from scratch would meet them again. Answers the ids skipped;
 * PRJ_NOT_FOUND when `eventId` is not parked. One statement.
 */
export const skipParked = async (options: {
  pool: pg.Pool;
  name: string;
  version: number;
  eventId?: string;
}): Promise<{ readonly skipped: readonly string[] }> => {
  const { pool, name, version, eventId } = options;
  const result = await pool.query<{ event_id: string }>(
    `with skipped as (
       delete from projectionist.parked
       where name = $1 and version = $2 and (case when $3::text is null then kind = 'failed' else event_id = $3 end)
       returning stream_id, event_id),
     queued as (
       update projectionist.parked p set retry_requested_at = now()
       where p.name = $1 and p.version = $2 and p.stream_id in (select stream_id from skipped)
         and p.event_id not in (select event_id from skipped))
     select event_id from skipped`,
    [name, version, eventId ?? null],
  );
  const skipped = result.rows.map((r) => r.event_id);
  if (eventId !== undefined && skipped.length === 0)
    throw new ProjectionistError('PRJ_NOT_FOUND', `${name} v${version} has no parked event ${eventId}`, {
      details: { name, version, eventId },
    });
  return { skipped };
};
