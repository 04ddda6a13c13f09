import { createHash } from 'node:crypto';
import { contractsDecoder, type EventDecoder } from '../projections/index.ts';
import {
  defineProjection,
  type BatchStore,
  type JsonValue,
  type ProjectionDefinition,
  type ProjectionEvent,
  type ProjectionHandler,
} from '../definitions/index.ts';
import type { CommandCatalog } from './CommandCatalog.ts';
import { commandOutcomeType, type CommandOutcome } from './commandOutcome.ts';

const tables = {
  /** Every command's last word: a decision (applied, rejected) is final; waiting or dead-lettered may be followed by one. */
  outcomes: {
    columns: {
      command_id: 'text',
      stream_id: 'text',
      command_type: 'text',
      status: 'text',
      event_ids: 'jsonb',
      reason: { type: 'text', nullable: true },
      at: 'timestamptz',
      /** Where this outcome lies in the events topic: every event of the command lies before it, on this partition. */
      log_partition: 'integer',
      log_offset: 'bigint',
      /** The stream's version after an applied command, or the one a rejected command was decided against. */
      stream_version: { type: 'integer', nullable: true },
      /** The version a command rejected for a version conflict expected. */
      expected_version: { type: 'integer', nullable: true },
    },
    primaryKey: ['command_id'],
  },
  /** Commands held until a worker that can decide them owns their partition, in log order per stream. */
  waiting: {
    columns: {
      command_id: 'text',
      stream_id: 'text',
      commands_partition: 'integer',
      events_offset: 'bigint',
      command: 'jsonb',
      reason: 'text',
      since: 'timestamptz',
    },
    primaryKey: ['command_id'],
    indexes: [['commands_partition']],
  },
  /** Each stream's aggregate state, folded with the contracts' evolve: what the deciders consult. */
  streams: {
    columns: {
      stream_id: 'text',
      aggregate: 'text',
      state: { type: 'jsonb', nullable: true },
      /** Events the stream holds: the version an `expectedVersion` is compared with. */
      version: 'integer',
    },
    primaryKey: ['stream_id'],
  },
} as const;

export type CommandStateTables = typeof tables;

/**
 * The projection's name for a topic prefix: "commands-" and the prefix in projection-name
 * characters, with a short hash when it had to be changed or cut (two prefixes never share it).
 */
export const commandStateName = (prefix: string): string => {
  const slug = prefix
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  const name = `commands-${slug}`;
  if (name.length <= 48 && slug === prefix) return name;
  const hash = createHash('sha256').update(prefix).digest('hex').slice(0, 8);
  return `${name.slice(0, 39).replace(/-$/, '')}-${hash}`;
};

const recordOutcome = (e: ProjectionEvent, store: BatchStore<CommandStateTables>): void => {
  const outcome = e.data as CommandOutcome;
  const key = { command_id: outcome.commandId };
  const previous = store.get('outcomes', key);
  if (previous !== undefined && (previous.status === 'applied' || previous.status === 'rejected')) return;
  store.upsert('outcomes', {
    command_id: outcome.commandId,
    stream_id: e.streamId,
    command_type: outcome.commandType,
    status: outcome.status,
    event_ids: outcome.status === 'applied' ? [...outcome.eventIds] : [],
    reason: outcome.status === 'applied' ? null : outcome.reason,
    at: e.time,
    log_partition: e.position.partition,
    log_offset: e.position.offset,
    stream_version:
      outcome.status === 'applied' || outcome.status === 'rejected' ? (outcome.streamVersion ?? null) : null,
    expected_version: outcome.status === 'rejected' ? (outcome.expectedVersion ?? null) : null,
  });
  if (outcome.status === 'waiting') {
    store.upsert('waiting', {
      command_id: outcome.commandId,
      stream_id: e.streamId,
      commands_partition: outcome.commandsPartition,
      events_offset: e.position.offset,
      command: outcome.command as unknown as JsonValue,
      reason: outcome.reason,
      since: e.time,
    });
  } else store.delete('waiting', key);
};

/**
 * The command side's state as a projection on the engine, so it has what every projection has:
 * one fenced writer (the version's lease), checkpoints in the same transaction as the rows that
 * only move forward, resumption after a crash. It reads command outcomes and every event an
 * aggregate folds; deciders and `GET /commands/:id` read its tables.
 */
export const commandStateProjection = (options: {
  prefix: string;
  catalog: CommandCatalog;
}): ProjectionDefinition<CommandStateTables> => {
  const { catalog } = options;
  const handlers: Record<string, ProjectionHandler<CommandStateTables>> = {
    [commandOutcomeType]: {
      keys: (e) => {
        const key = { command_id: (e.data as CommandOutcome).commandId };
        return [
          { table: 'outcomes', key },
          { table: 'waiting', key },
        ];
      },
      apply: recordOutcome,
    },
  };
  for (const type of catalog.foldedEventTypes()) {
    const aggregate = catalog.aggregateOfEvent(type) ?? type;
    handlers[type] = {
      keys: (e) => [{ table: 'streams', key: { stream_id: e.streamId } }],
      apply: (e, store) => {
        const row = store.get('streams', { stream_id: e.streamId });
        const before = row === undefined ? catalog.initialState(aggregate) : row.state;
        const after = catalog.evolve(aggregate, before, { type: e.type, data: e.data });
        store.upsert('streams', {
          stream_id: e.streamId,
          aggregate,
          state: (after ?? null) as JsonValue,
          version: (row?.version ?? 0) + 1,
        });
      },
    };
  }
  return defineProjection({
    name: commandStateName(options.prefix),
    // v2: stream versions (expectedVersion) and each outcome's log position (read-your-writes).
    // A deployment upgrading from v1 builds v2 from the log at its first start; the workers
    // decide nothing until it has read to the end (as after any takeover).
    version: 2,
    description: 'Command outcomes, held commands and stream states, for the deciders and GET /commands/:id.',
    tables,
    handlers,
  });
};

/** Outcomes as written; every folded event upcast through the contracts (a newer version waits). */
export const commandStateDecoder = (catalog: CommandCatalog): EventDecoder => {
  const events = contractsDecoder({
    decode: (_kind, type, version, data) => {
      const decoded = catalog.decodeEvent(type, version, data);
      return decoded.status === 'invalid'
        ? {
            status: 'invalid',
            issues: decoded.issues.map((i) => ({ ...i, path: i.path === '' ? [] : [i.path] })),
          }
        : decoded;
    },
  });
  return (envelope) =>
    envelope.type === commandOutcomeType
      ? { status: 'ok', type: envelope.type, data: envelope.data }
      : events(envelope);
};
