import { describeMessageIssues, parseCommandRecord, type CommandCatalog } from '../commands/index.ts';
import { headerNames, type LogRecord } from '../log/index.ts';
import type { Verdict } from './Verdict.ts';

/**
 * Judges one record of the commands topic as a command worker reads it: parseCommandRecord (an
 * envelope the intake would let in), then the catalog's decoder (every version upcast to the
 * newest). What the worker would dead-letter is rejected; what it would hold is too new.
 */
export const judgeCommandRecord = (record: LogRecord, catalog: CommandCatalog): Verdict => {
  const parsed = parseCommandRecord(record);
  if (parsed.kind === 'malformed')
    return {
      status: 'rejected',
      type: record.headers[headerNames.type] ?? null,
      version: null,
      reason: parsed.reason,
    };
  const { type, version, data } = parsed.command;
  const decoded = catalog.decodeCommand(type, version, data);
  switch (decoded.status) {
    case 'ok':
      return { status: 'ok', type, version };
    case 'too-new':
      return {
        status: 'too-new',
        type,
        version,
        reason: `${type} v${version} is newer than this code knows (v${decoded.known})`,
      };
    case 'unknown-type':
      return { status: 'rejected', type, version, reason: `unknown command type '${type}'` };
    case 'invalid':
      return {
        status: 'rejected',
        type,
        version,
        reason: `${type} v${version} does not match its contract: ${describeMessageIssues(decoded.issues)}`,
      };
  }
};
