import type pg from 'pg';
import { ProjectionistError } from '../errors/index.ts';

/**
 * Asks the version's writer to retry its parked events: every stream's (or, with `eventId`, the
 * stream of that event, from its first parked event on, in order). The process holding the
 * version's lease takes the request within its poll interval (Projector `parkedPollMs`).
 * Answers how many parked events the request covers; PRJ_NOT_FOUND when `eventId` is not parked.
 * One statement.
 */
export const requestParkedRetry = async (options: {
  pool: pg.Pool;
  name: string;
  version: number;
  eventId?: string;
}): Promise<{ readonly requested: number }> => {
  const { pool, name, version, eventId } = options;
  const result = await pool.query(
    `update projectionist.parked set retry_requested_at = now()
     where name = $1 and version = $2
       and ($3::text is null or stream_id in (
             select stream_id from projectionist.parked where name = $1 and version = $2 and event_id = $3))`,
    [name, version, eventId ?? null],
  );
  const requested = result.rowCount ?? 0;
  if (eventId !== undefined && requested === 0)
    throw new ProjectionistError('PRJ_NOT_FOUND', `${name} v${version} has no parked event ${eventId}`, {
      details: { name, version, eventId },
    });
  return { requested };
};
