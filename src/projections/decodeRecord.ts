import {
  decodeEnvelope,
  headerNames,
  recordHeader,
  recordType,
  type Envelope,
  type LogRecord,
} from '../log/index.ts';
import type { EventDecoder } from './eventDecoder.ts';
import type { ProjectionEvent } from '../definitions/index.ts';

export type RecordOutcome =
  | { readonly kind: 'event'; readonly event: ProjectionEvent }
  /** A type the reader has no handler for: passed over without parsing its body. */
  | { readonly kind: 'ignored' }
  | { readonly kind: 'skipped'; readonly type: string | undefined; readonly reason: string }
  /** Newer than this code; `envelope` names it (and is all a parked event keeps of it). */
  | { readonly kind: 'wait'; readonly reason: string; readonly envelope: Envelope };

/**
 * Turns one record into an event for the handlers of `types`. Routes on the `pj-type` header
 * first, so a record of a type nobody here reads costs no JSON parse. A record that is not an
 * envelope is skipped with the reason, never dropped in silence.
 */
export const decodeRecord = (options: {
  record: LogRecord;
  types: ReadonlySet<string>;
  decode: EventDecoder;
}): RecordOutcome => {
  const { record, types, decode } = options;
  const headerType = recordType(record);
  if (headerType !== undefined && !types.has(headerType)) return { kind: 'ignored' };
  let envelope;
  try {
    envelope = decodeEnvelope(record.value);
  } catch (error) {
    return { kind: 'skipped', type: headerType, reason: (error as Error).message };
  }
  if (!types.has(envelope.type)) return { kind: 'ignored' };
  const outcome = decode(envelope, recordHeader(record, headerNames.schema));
  if (outcome.status === 'skip') return { kind: 'skipped', type: envelope.type, reason: outcome.reason };
  if (outcome.status === 'wait') return { kind: 'wait', reason: outcome.reason, envelope };
  if (!types.has(outcome.type)) return { kind: 'ignored' };
  const seen = outcome.envelope ?? envelope;
  return {
    kind: 'event',
    event: {
      type: outcome.type,
      data: outcome.data,
      eventId: seen.eventId,
      streamId: seen.streamId,
      time: seen.time,
      causationId: seen.causationId,
      correlationId: seen.correlationId,
      position: { partition: record.partition, offset: record.offset },
      writtenVersion: envelope.version,
    },
  };
};
