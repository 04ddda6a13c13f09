import type { Envelope } from '../log/index.ts';

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';
const isNullableString = (value: unknown): boolean => value === null || typeof value === 'string';

/**
 * True when the parts of an envelope the filter relies on are there and of their types. The
 * codec checks the same when it reads a record; the filter checks again because it must not
 * pass what it cannot read, whoever built the envelope.
 */
export const isEnvelopeShape = (envelope: Envelope): boolean => {
  if (typeof envelope !== 'object' || envelope === null) return false;
  const { eventId, type, version, streamId, time, causationId, correlationId, metadata } = envelope as {
    readonly [K in keyof Envelope]: unknown;
  };
  return (
    isNonEmptyString(eventId) &&
    isNonEmptyString(type) &&
    Number.isInteger(version) &&
    (version as number) >= 1 &&
    isNonEmptyString(streamId) &&
    typeof time === 'string' &&
    isNullableString(causationId) &&
    isNullableString(correlationId) &&
    (metadata === undefined ||
      (typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)))
  );
};
