import { commandOutcomeType } from '../commands/index.ts';
import { decodeEnvelope, headerNames, recordType, type LogRecord } from '../log/index.ts';
import type { EventDecoder } from '../projections/index.ts';
import type { Verdict } from './Verdict.ts';

const headerVersion = (record: LogRecord): number | null => {
  const text = record.headers[headerNames.version];
  return text !== undefined && /^\d{1,9}$/.test(text) ? Number(text) : null;
};

/**
 * Judges one record of the events topic as a projection reads it: the envelope (decodeEnvelope),
 * then the contracts' decoder (contractsDecoder: every version upcast to the newest). A pj-type
 * header that names another type than the body is rejected too: readers route on the header, so
 * the handlers of the body's type would never see the event.
 */
export const judgeEventRecord = (record: LogRecord, decode: EventDecoder): Verdict => {
  const header = recordType(record) ?? null;
  let envelope;
  try {
    envelope = decodeEnvelope(record.value);
  } catch (error) {
    return {
      status: 'rejected',
      type: header,
      version: headerVersion(record),
      reason: (error as Error).message,
    };
  }
  const { type, version } = envelope;
  if (header !== null && header !== type)
    return {
      status: 'rejected',
      type,
      version,
      reason: `its ${headerNames.type} header says ${header}, its body ${type}: readers route on the header`,
    };
  if (type === commandOutcomeType) return { status: 'engine', type, version };
  const outcome = decode(envelope);
  if (outcome.status === 'ok') return { status: 'ok', type, version };
  return {
    status: outcome.status === 'wait' ? 'too-new' : 'rejected',
    type,
    version,
    reason: outcome.reason,
  };
};
