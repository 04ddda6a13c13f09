import { decodeEnvelope, maxRecordBytes, type Envelope, type LogRecord } from '../log/index.ts';
import { maxIdentifierLength } from './commandRequestSchema.ts';
import { findUnstorableText } from './findUnstorableText.ts';

/** A record from the commands topic, read from its body alone: its key and headers may lie. */
export type ParsedCommand =
  | { readonly kind: 'command'; readonly record: LogRecord; readonly command: Envelope }
  | { readonly kind: 'malformed'; readonly record: LogRecord; readonly reason: string };

const identifiers = ['eventId', 'streamId', 'correlationId', 'type'] as const;

/**
 * Reads a command record for the worker, refusing what would wedge a reader downstream: not an
 * envelope, an identifier over the intake's length limit, or text PostgreSQL cannot store
 * anywhere in it (keys included). The same rules as the HTTP intake, so both doors let in the same.
 */
export const parseCommandRecord = (record: LogRecord): ParsedCommand => {
  // Its events or its held outcome must fit a record of their own.
  if (record.value !== null && record.value.length > maxRecordBytes)
    return {
      kind: 'malformed',
      record,
      reason: `the record is ${record.value.length} bytes; a command may take at most ${maxRecordBytes}`,
    };
  let command: Envelope;
  try {
    command = decodeEnvelope(record.value);
  } catch (error) {
    return { kind: 'malformed', record, reason: (error as Error).message };
  }
  for (const field of identifiers) {
    const value = command[field];
    if (typeof value === 'string' && value.length > maxIdentifierLength)
      return {
        kind: 'malformed',
        record,
        reason: `${field} is ${value.length} characters long; at most ${maxIdentifierLength} are accepted`,
      };
  }
  const unstorable = findUnstorableText(command, 1)[0];
  if (unstorable !== undefined)
    return { kind: 'malformed', record, reason: `${unstorable.path || '(root)'} ${unstorable.message}` };
  return { kind: 'command', record, command };
};
