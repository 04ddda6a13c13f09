import {
  createEnvelope,
  decodeEnvelope,
  type EncodedRecord,
  type Envelope,
  type LogRecord,
} from '../log/index.ts';
import type { CommandCatalog } from './CommandCatalog.ts';
import { commandOutcomeType, type CommandOutcome } from './commandOutcome.ts';
import { deadLetterRecord } from './deadLetterRecord.ts';

export type SliceResult = {
  /** Offset after the last record handled (the commit point). */
  readonly next: bigint;
  /** Set when the record at `next` is of a version newer than this code: pause and retry. */
  readonly wait?: { readonly type: string; readonly version: number; readonly known: number };
  /** Events and outcomes to append, in order. */
  readonly appends: readonly Envelope[];
  readonly deadLetters: readonly EncodedRecord[];
  /** Command ids applied or rejected by this slice. */
  readonly decided: readonly string[];
  /** Stream states after this slice, for the streams it changed. */
  readonly states: ReadonlyMap<string, unknown>;
  readonly counts: { applied: number; rejected: number; duplicates: number; deadLettered: number };
};

const outcomeEnvelope = (command: Envelope, outcome: CommandOutcome): Envelope =>
  createEnvelope({
    type: commandOutcomeType,
    version: 1,
    streamId: command.streamId,
    data: outcome,
    causationId: command.eventId,
    correlationId: command.correlationId ?? command.eventId,
  });

/**
 * Decides a slice of command records, in order, without I/O: what to append, what to
 * dead-letter, where to stop. `alreadyDecided` holds the ids known to have an outcome;
 * `loadState` answers a stream's state as of before this slice.
 */
export const processCommandSlice = (options: {
  records: readonly LogRecord[];
  topic: string;
  catalog: CommandCatalog;
  alreadyDecided: ReadonlySet<string>;
  loadState: (streamId: string, aggregate: string) => unknown;
}): SliceResult => {
  const { catalog, topic } = options;
  const appends: Envelope[] = [];
  const deadLetters: EncodedRecord[] = [];
  const decided: string[] = [];
  const seen = new Set(options.alreadyDecided);
  const states = new Map<string, unknown>();
  const counts = { applied: 0, rejected: 0, duplicates: 0, deadLettered: 0 };
  const deadLetter = (record: LogRecord, reason: string) => {
    deadLetters.push(deadLetterRecord({ record, topic, reason }));
    counts.deadLettered++;
  };

  for (const record of options.records) {
    let command: Envelope;
    try {
      command = decodeEnvelope(record.value);
    } catch (error) {
      deadLetter(record, error instanceof Error ? error.message : String(error));
      continue;
    }
    const decoded = catalog.decodeCommand(command.type, command.version, command.data);
    if (decoded.status === 'too-new') {
      return {
        next: record.offset,
        wait: { type: command.type, version: decoded.version, known: decoded.known },
        appends,
        deadLetters,
        decided,
        states,
        counts,
      };
    }
    if (decoded.status === 'unknown-type') {
      deadLetter(record, `unknown command type '${command.type}'`);
      continue;
    }
    if (decoded.status === 'invalid') {
      const issues = decoded.issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
      deadLetter(record, `${command.type} v${command.version} does not match its contract: ${issues}`);
      continue;
    }
    if (seen.has(command.eventId)) {
      counts.duplicates++;
      continue;
    }
    seen.add(command.eventId);
    decided.push(command.eventId);
    const aggregate = catalog.aggregateOf(command.type);
    const before = states.has(command.streamId)
      ? states.get(command.streamId)
      : options.loadState(command.streamId, aggregate);
    let decision;
    try {
      decision = catalog.decide(command.type, decoded.value, before);
    } catch (error) {
      decision = {
        rejected: `the decider failed: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    if ('rejected' in decision) {
      appends.push(
        outcomeEnvelope(command, {
          commandId: command.eventId,
          commandType: command.type,
          status: 'rejected',
          reason: decision.rejected,
        }),
      );
      counts.rejected++;
      continue;
    }
    let state = before;
    const events = decision.events.map((e) => {
      state = catalog.evolve(aggregate, state, e);
      return createEnvelope({
        type: e.type,
        version: catalog.latestEventVersion(e.type),
        streamId: command.streamId,
        data: e.data,
        causationId: command.eventId,
        correlationId: command.correlationId ?? command.eventId,
      });
    });
    states.set(command.streamId, state);
    appends.push(
      ...events,
      outcomeEnvelope(command, {
        commandId: command.eventId,
        commandType: command.type,
        status: 'applied',
        eventIds: events.map((e) => e.eventId),
      }),
    );
    counts.applied++;
  }
  const last = options.records[options.records.length - 1];
  return { next: last === undefined ? 0n : last.offset + 1n, appends, deadLetters, decided, states, counts };
};
