import {
  createEnvelope,
  encodeEnvelope,
  type EncodedRecord,
  type Envelope,
  type LogRecord,
} from '../log/index.ts';
import { describeMessageIssues, type CommandCatalog } from './CommandCatalog.ts';
import { commandOutcomeType, type CommandOutcome, type HeldCommand } from './commandOutcome.ts';
import type { StreamState, WaitingCommand } from './commandStore.ts';
import { deadLetterRecord } from './deadLetterRecord.ts';
import type { ParsedCommand } from './parseCommandRecord.ts';

/** What a commands partition's worker knows before a slice (its memory, and what it loaded). */
export type SliceMemory = {
  /** The command has a decision (applied or rejected). */
  isDecided(commandId: string): boolean;
  /** The command is held (waiting) already. */
  isHeld(commandId: string): boolean;
  /** The first held command of a stream: later ones queue behind it. */
  heldBy(streamId: string): { readonly commandId: string; readonly reason: string } | undefined;
  /** The stream's aggregate and state, when it has events. */
  stateOf(streamId: string): StreamState | undefined;
  /** Why the stream's state cannot be trusted yet (the projection parked one of its events), if so. */
  incomplete(streamId: string): string | undefined;
};

export type SliceDecisions = {
  /** Events and outcomes for the events topic, in order. */
  readonly appends: Envelope[];
  /** The pj-schema header of appended events checked against their newest schema, by event id. */
  readonly schemas: Map<string, string>;
  /** Commands that landed on a partition that does not own their stream, for the owner. */
  readonly forwards: EncodedRecord[];
  readonly deadLetters: EncodedRecord[];
  /** Command ids decided (applied or rejected). */
  readonly decided: string[];
  /** Stream states after the slice, for the streams it changed. */
  readonly states: Map<string, StreamState>;
  /** Streams now held, by their first held command; and every command id held. */
  readonly held: Map<string, { commandId: string; reason: string }>;
  readonly heldIds: string[];
  /** Streams whose held commands were all decided (by `retryHeld`). */
  readonly released: Set<string>;
  readonly counts: {
    applied: number;
    rejected: number;
    duplicates: number;
    deadLettered: number;
    forwarded: number;
    held: number;
  };
};

/** A decision as it may come back from a decider handed a state it did not expect: checked, not trusted. */
type DeciderAnswer =
  | {
      readonly events?: readonly { readonly type: string; readonly data: unknown }[];
      readonly rejected?: unknown;
    }
  | null
  | undefined;

const outcomeEnvelope = (command: HeldCommand, outcome: CommandOutcome): Envelope =>
  createEnvelope({
    type: commandOutcomeType,
    version: 1,
    streamId: command.streamId,
    data: outcome,
    causationId: command.eventId,
    correlationId: command.correlationId ?? command.eventId,
  });

const heldOf = (c: Envelope | HeldCommand): HeldCommand => ({
  eventId: c.eventId,
  type: c.type,
  version: c.version,
  streamId: c.streamId,
  time: c.time,
  correlationId: c.correlationId,
  data: c.data,
  ...(c.metadata === undefined ? {} : { metadata: c.metadata }),
  ...(c.expectedVersion === undefined ? {} : { expectedVersion: c.expectedVersion }),
});

/**
 * Decides commands of one commands partition, in order, without I/O: what to append (events,
 * outcomes), forward, dead-letter or hold. A command is decided only by the partition that owns
 * its stream (`owner` of the body's stream id); one of a version newer than this code is held,
 * and so is every later command of its stream, so that a stream's commands are decided in order.
 */
export const createSliceWork = (options: {
  partition: number;
  owner: (streamId: string) => number;
  topic: string;
  catalog: CommandCatalog;
  memory: SliceMemory;
}) => {
  const { partition, owner, topic, catalog, memory } = options;
  const result: SliceDecisions = {
    appends: [],
    schemas: new Map(),
    forwards: [],
    deadLetters: [],
    decided: [],
    states: new Map(),
    held: new Map(),
    heldIds: [],
    released: new Set(),
    counts: { applied: 0, rejected: 0, duplicates: 0, deadLettered: 0, forwarded: 0, held: 0 },
  };
  const decidedHere = new Set<string>();
  const heldHere = new Set<string>();
  const heldBy = (streamId: string) =>
    result.released.has(streamId) ? undefined : (result.held.get(streamId) ?? memory.heldBy(streamId));
  const isDuplicate = (id: string) =>
    decidedHere.has(id) || heldHere.has(id) || memory.isDecided(id) || memory.isHeld(id);

  const outcome = (command: HeldCommand, o: CommandOutcome) =>
    result.appends.push(outcomeEnvelope(command, o));

  const deadLetter = (record: LogRecord, reason: string, command?: HeldCommand) => {
    result.deadLetters.push(deadLetterRecord({ record, topic, reason }));
    result.counts.deadLettered++;
    if (command !== undefined)
      outcome(command, {
        commandId: command.eventId,
        commandType: command.type,
        status: 'dead-lettered',
        reason,
      });
  };

  const hold = (command: HeldCommand, reason: string) => {
    if (!result.held.has(command.streamId) && memory.heldBy(command.streamId) === undefined)
      result.held.set(command.streamId, { commandId: command.eventId, reason });
    result.heldIds.push(command.eventId);
    heldHere.add(command.eventId);
    result.counts.held++;
    outcome(command, {
      commandId: command.eventId,
      commandType: command.type,
      status: 'waiting',
      reason,
      commandsPartition: partition,
      command,
    });
  };

  const decide = (command: HeldCommand, value: unknown) => {
    decidedHere.add(command.eventId);
    result.decided.push(command.eventId);
    const base = { commandId: command.eventId, commandType: command.type };
    const known = result.states.get(command.streamId) ?? memory.stateOf(command.streamId);
    const version = known?.version ?? 0;
    const reject = (reason: string, conflict?: { expectedVersion: number }) => {
      outcome(command, { ...base, status: 'rejected', reason, streamVersion: version, ...conflict });
      result.counts.rejected++;
    };
    // Optimistic concurrency: checked before anything else about the stream, so that a sender
    // who lost a race is told so (and can read the stream again and retry), whatever the decider
    // would have said about the newer state.
    const expected = command.expectedVersion;
    if (expected !== undefined && expected !== version) {
      reject(`expected version ${expected} but stream ${command.streamId} is at ${version}`, {
        expectedVersion: expected,
      });
      return;
    }
    const aggregate = catalog.aggregateOf(command.type);
    // A stream is one kind of thing: a payment command on a customer's stream would be decided on
    // the wrong state (and could append payment events to a customer).
    if (known !== undefined && known.aggregate !== aggregate) {
      reject(
        `stream ${command.streamId} is a ${known.aggregate} stream; ${command.type} acts on ${aggregate} streams`,
      );
      return;
    }
    const before = known === undefined ? catalog.initialState(aggregate) : known.state;
    let events: Envelope[];
    let state = before;
    try {
      const decision = catalog.decide(command.type, value, before) as DeciderAnswer;
      if (typeof decision?.rejected === 'string') {
        reject(decision.rejected);
        return;
      }
      if (!Array.isArray(decision?.events)) {
        reject(`the decider of ${command.type} answered no decision for this stream's state`);
        return;
      }
      events = [];
      for (const e of decision.events as readonly { type: string; data: unknown }[]) {
        // What is appended is checked against the newest schema here, once: readers at that
        // schema read it without checking again (the pj-schema header); a decider's invalid
        // event is never appended.
        const checked = catalog.checkEvent(e.type, e.data);
        if (checked.status === 'invalid') {
          const issues = describeMessageIssues(checked.issues);
          reject(`the decider of ${command.type} answered an invalid ${e.type} event: ${issues}`);
          return;
        }
        state = catalog.evolve(aggregate, state, e);
        const envelope = createEnvelope({
          type: e.type,
          version: catalog.latestEventVersion(e.type),
          streamId: command.streamId,
          data: e.data,
          causationId: command.eventId,
          correlationId: command.correlationId ?? command.eventId,
        });
        if (checked.schema !== undefined) result.schemas.set(envelope.eventId, checked.schema);
        events.push(envelope);
      }
    } catch (error) {
      // A decider or fold that throws is a bug in the contracts, never a wedged partition.
      reject(`the decider failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const streamVersion = version + events.length;
    result.states.set(command.streamId, { aggregate, state, version: streamVersion });
    result.appends.push(...events);
    outcome(command, { ...base, status: 'applied', eventIds: events.map((e) => e.eventId), streamVersion });
    result.counts.applied++;
  };

  /** Judges one command: too new (hold), behind a held one (hold), no contract (dead letter), or decide. */
  const judge = (command: HeldCommand, record: LogRecord): 'decided' | 'held' | 'dead' => {
    const decoded = catalog.decodeCommand(command.type, command.version, command.data);
    if (decoded.status === 'unknown-type') {
      deadLetter(record, `unknown command type '${command.type}'`, command);
      return 'dead';
    }
    if (decoded.status === 'invalid') {
      const issues = describeMessageIssues(decoded.issues);
      deadLetter(
        record,
        `${command.type} v${command.version} does not match its contract: ${issues}`,
        command,
      );
      return 'dead';
    }
    if (decoded.status === 'too-new') {
      hold(
        command,
        `${command.type} v${decoded.version} is newer than this worker knows (v${decoded.known})`,
      );
      return 'held';
    }
    const blocker = heldBy(command.streamId);
    if (blocker !== undefined && blocker.commandId !== command.eventId) {
      hold(command, `queued behind command ${blocker.commandId} on its stream: ${blocker.reason}`);
      return 'held';
    }
    const incomplete = memory.incomplete(command.streamId);
    if (incomplete !== undefined) {
      hold(command, `its stream holds an event the command state could not take yet: ${incomplete}`);
      return 'held';
    }
    decide(command, decoded.value);
    return 'decided';
  };

  return {
    result,
    /** One record of the slice, in offset order. */
    take(parsed: ParsedCommand): void {
      if (parsed.kind === 'malformed') {
        deadLetter(parsed.record, parsed.reason);
        return;
      }
      const { command, record } = parsed;
      if (owner(command.streamId) !== partition) {
        result.forwards.push(encodeEnvelope(command));
        result.counts.forwarded++;
        return;
      }
      if (isDuplicate(command.eventId)) {
        result.counts.duplicates++;
        return;
      }
      judge(heldOf(command), record);
    },
    /**
     * The commands held for this partition's streams (in log order per stream), tried again:
     * each stream's run stops at its first command this code still cannot decide.
     */
    retryHeld(held: readonly WaitingCommand[]): void {
      const stuck = new Set<string>();
      const streams = new Set<string>();
      for (const h of held) {
        streams.add(h.streamId);
        if (stuck.has(h.streamId)) continue;
        if (memory.isDecided(h.commandId) || decidedHere.has(h.commandId)) continue;
        const record = {
          partition,
          offset: -1n,
          key: h.streamId,
          value: Buffer.from(JSON.stringify(h.command)),
          headers: {},
          timestamp: String(Date.now()),
        };
        const decoded = catalog.decodeCommand(h.command.type, h.command.version, h.command.data);
        // Still undecidable: the stream stays held by it, and its later commands stay queued.
        if (decoded.status === 'too-new' || memory.incomplete(h.streamId) !== undefined) {
          stuck.add(h.streamId);
          result.held.set(h.streamId, { commandId: h.commandId, reason: h.reason });
          continue;
        }
        result.released.add(h.streamId);
        judge(h.command, record);
      }
      for (const s of streams) if (!stuck.has(s)) result.released.add(s);
      for (const s of stuck) result.released.delete(s);
    },
  };
};
