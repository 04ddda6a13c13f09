import { ProjectionistError } from '../errors/index.ts';
import type { Envelope } from './envelope.ts';

/** Record headers every envelope carries, so readers can route without parsing the body. */
export const headerNames = {
  type: 'pj-type',
  version: 'pj-version',
  eventId: 'pj-event-id',
  contentType: 'content-type',
  /**
   * The fingerprint of the newest schema the writer checked the data against (see
   * schemaFingerprint in src/contracts); absent when it checked none.
   */
  schema: 'pj-schema',
} as const;

export type EncodedRecord = {
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
};

/** The record of an envelope. */
export const encodeEnvelope = (envelope: Envelope): EncodedRecord => encodeChecked(envelope, undefined);

/**
 * The record of an envelope whose data its writer checked against the newest schema, whose
 * fingerprint `schema` goes in the pj-schema header (none when undefined).
 */
export const encodeChecked = (envelope: Envelope, schema: string | undefined): EncodedRecord => ({
  key: envelope.streamId,
  value: Buffer.from(JSON.stringify(envelope)),
  headers: {
    [headerNames.type]: envelope.type,
    [headerNames.version]: String(envelope.version),
    [headerNames.eventId]: envelope.eventId,
    [headerNames.contentType]: 'application/json',
    ...(schema === undefined ? {} : { [headerNames.schema]: schema }),
  },
});

const isString = (v: unknown): v is string => typeof v === 'string';
const isNullableString = (v: unknown): v is string | null => v === null || typeof v === 'string';

/**
 * Decodes a record's bytes into an envelope, checking every field's kind by hand (this runs
 * once per event in a rebuild, so it avoids a schema library). Throws PRJ_ENVELOPE_MALFORMED
 * naming the first bad field.
 */
export const decodeEnvelope = (value: Buffer | null): Envelope => {
  if (value === null) throw malformed('the record has no value (a tombstone)');
  let body: unknown;
  try {
    body = JSON.parse(value.toString('utf8'));
  } catch (cause) {
    throw malformed('the record value is not JSON', cause);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw malformed('the record value is not an object');
  const e = body as Record<string, unknown>;
  if (!isString(e.eventId) || e.eventId === '') throw malformed('eventId must be a non-empty string');
  if (!isString(e.type) || e.type === '') throw malformed('type must be a non-empty string');
  if (typeof e.version !== 'number' || !Number.isInteger(e.version) || e.version < 1)
    throw malformed('version must be an integer >= 1');
  if (!isString(e.streamId) || e.streamId === '') throw malformed('streamId must be a non-empty string');
  if (!isString(e.time) || Number.isNaN(Date.parse(e.time)))
    throw malformed('time must be an ISO-8601 string');
  if (!isNullableString(e.causationId)) throw malformed('causationId must be a string or null');
  if (!isNullableString(e.correlationId)) throw malformed('correlationId must be a string or null');
  if (!('data' in e)) throw malformed('data is missing');
  if (
    e.metadata !== undefined &&
    (e.metadata === null || typeof e.metadata !== 'object' || Array.isArray(e.metadata))
  )
    throw malformed('metadata must be an object when present');
  if (
    e.expectedVersion !== undefined &&
    (typeof e.expectedVersion !== 'number' ||
      !Number.isSafeInteger(e.expectedVersion) ||
      e.expectedVersion < 0)
  )
    throw malformed('expectedVersion must be a whole number >= 0 when present');
  return e as Envelope;
};

const malformed = (reason: string, cause?: unknown) =>
  new ProjectionistError('PRJ_ENVELOPE_MALFORMED', `malformed envelope: ${reason}`, {
    cause,
    details: { reason },
  });
