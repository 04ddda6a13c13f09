import { randomUUID } from 'node:crypto';

/**
 * One event (or command, or outcome) on the log. Type and version also travel as record
 * headers (see codec.ts) so a reader can route without parsing the body.
 */
export type Envelope = {
  /** Unique id of this message (a UUID). */
  readonly eventId: string;
  readonly type: string;
  /** Schema version of `data` (1, 2, ...). */
  readonly version: number;
  /** The stream (aggregate) the event belongs to; it is also the record key. */
  readonly streamId: string;
  /** ISO-8601 time the event was made. */
  readonly time: string;
  /** Id of the command that caused it, or null. */
  readonly causationId: string | null;
  /** Id that ties a whole conversation together. */
  readonly correlationId: string | null;
  readonly data: unknown;
  /** Free-form metadata; staging strips it unless allow-listed. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /**
   * Commands only: the version (count of events) the sender expects the command's stream to be
   * at; the worker rejects the command when it is not (0: the stream must have no events yet).
   */
  readonly expectedVersion?: number;
};

export const createEnvelope = (fields: {
  type: string;
  version: number;
  streamId: string;
  data: unknown;
  eventId?: string;
  time?: Date | string;
  causationId?: string | null;
  correlationId?: string | null;
  metadata?: Record<string, unknown>;
  expectedVersion?: number;
}): Envelope => ({
  eventId: fields.eventId ?? randomUUID(),
  type: fields.type,
  version: fields.version,
  streamId: fields.streamId,
  time: fields.time === undefined ? new Date().toISOString() : new Date(fields.time).toISOString(),
  causationId: fields.causationId ?? null,
  correlationId: fields.correlationId ?? null,
  data: fields.data,
  ...(fields.metadata === undefined ? {} : { metadata: fields.metadata }),
  ...(fields.expectedVersion === undefined ? {} : { expectedVersion: fields.expectedVersion }),
});
