import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { engineDefaults } from '../config/index.ts';
import { ProjectionistError } from '../errors/index.ts';
import { coalesceCalls, formatPositionToken, type OffsetVector } from '../log/index.ts';
import { createTables } from '../projections/index.ts';
import { inTransaction, queryTogether, type Statement } from '../db/index.ts';
import {
  insertAccepted as insertAcceptedRows,
  readAccepted,
  readCheckpoints,
  parkedReasons,
  parkedReasonsStatement,
  requireRegistry,
} from '../registry/index.ts';
import { type ProjectionDefinition } from '../definitions/index.ts';
import type { HeldCommand } from './commandOutcome.ts';
import type { CommandCatalog } from './CommandCatalog.ts';
import { commandStateProjection, type CommandStateTables } from './commandStateProjection.ts';

/**
 * What the command side reads in PostgreSQL: the command-state projection's tables (outcomes,
 * held commands, stream states; written only by that projection's lease holder) and, through
 * the registry (insertAccepted, readAccepted: the deployment's prefix and the command id), the
 * commands accepted over HTTP, written by the intake and read only by `GET /commands/:id` before
 * an outcome exists. All SQL of the command side on its own tables lives here.
 */
export type StoredOutcome = {
  readonly commandId: string;
  readonly streamId: string;
  readonly commandType: string;
  readonly at: string;
} & (
  | { readonly status: 'accepted' }
  | ({ readonly status: 'applied'; readonly eventIds: string[] } & DecisionPlace)
  | ({
      readonly status: 'rejected';
      readonly reason: string;
      /** Set when the command was rejected for a version conflict: the version it expected. */
      readonly expectedVersion?: number;
    } & DecisionPlace)
  | { readonly status: 'waiting' | 'dead-lettered'; readonly reason: string }
);

/**
 * Where a decision stands: the stream's version (after an applied command's events; the one a
 * rejected command was decided against; null in outcomes written before versions were kept),
 * and the position token a read model must pass to show it. The token is the outcome record's
 * own place in the events topic, as a next offset: the command's events lie before it on the
 * same partition (one stream, one key), so a read model whose checkpoint has reached it has
 * applied them. A rejected command's token shows at least the stream state it was decided on.
 */
export type DecisionPlace = {
  readonly streamVersion: number | null;
  /** Per events partition, the next offset a read model must have reached (one partition). */
  readonly positions: Readonly<Record<string, string>>;
  /** The same as a position token (`3:1042`), for `Projectionist-Position`. */
  readonly token: string;
};

/**
 * A stream's aggregate (the kind of thing it is), its state folded from its events, and its
 * version: how many events it holds (every event of a stream is one its aggregate folds, as
 * deciders can only answer those). The version `expectedVersion` is compared with.
 */
export type StreamState = { readonly aggregate: string; readonly state: unknown; readonly version: number };

/** A command held for its stream, as the projection last recorded it. */
export type WaitingCommand = {
  readonly commandId: string;
  readonly streamId: string;
  readonly reason: string;
  readonly command: HeldCommand;
};

/** What recall answers. */
export type Recalled = {
  readonly decided: Set<string>;
  readonly states: Map<string, StreamState>;
  readonly parked: Map<string, string>;
};

type StreamRow = { stream_id: string; aggregate: string; state: unknown; version: number };

const streamStates = (rows: readonly StreamRow[]): Map<string, StreamState> =>
  new Map(rows.map((r) => [r.stream_id, { aggregate: r.aggregate, state: r.state, version: r.version }]));

export type CommandStore = {
  /** Qualified names of the command-state tables, for operators and tests. */
  readonly tables: { readonly outcomes: string; readonly waiting: string; readonly streams: string };
  /** The projection whose tables hold the command state. */
  readonly definition: ProjectionDefinition<CommandStateTables>;
  /**
   * Creates the command-state tables when missing (concurrent starts serialise on a lock). The
   * registry must be migrated first (PRJ_REGISTRY_MISSING otherwise).
   */
  migrate(): Promise<void>;
  findOutcome(commandId: string): Promise<StoredOutcome | undefined>;
  recordAccepted(commands: readonly { id: string; streamId: string; type: string }[]): Promise<void>;
  /** Which of these commands have a decision (applied or rejected). */
  decidedAmong(commandIds: readonly string[]): Promise<Set<string>>;
  /** Each stream's aggregate and folded state, for the streams that have one. */
  loadStreamStates(streamIds: readonly string[]): Promise<Map<string, StreamState>>;
  /**
   * What a worker must know of a slice's commands and streams before it decides, in one round
   * trip: which commands are decided (as decidedAmong), the streams' states (as
   * loadStreamStates), and which streams hold an event the command-state projection parked
   * (newer than its writer's code, or one its fold failed on), whose stored state is therefore
   * incomplete, each with the reason of its first parked event.
   */
  recall(options: { commandIds: readonly string[]; streamIds: readonly string[] }): Promise<Recalled>;
  /** The commands held for streams of one commands partition, in log order per stream. */
  loadWaiting(commandsPartition: number): Promise<WaitingCommand[]>;
  /**
   * Resolves once the projection has committed every events partition up to `target`
   * (exclusive): its tables then hold every outcome and state written before. Throws
   * PRJ_NOT_CAUGHT_UP after `timeoutMs` (the projection's writer may be down).
   */
  waitFor(target: OffsetVector, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<void>;
};

const reached = (at: OffsetVector, target: OffsetVector): boolean => {
  for (const [partition, offset] of target) if ((at.get(partition) ?? 0n) < offset) return false;
  return true;
};

/** The command side's store for one deployment (topic prefix) in one database. */
export const createCommandStore = (options: {
  pool: pg.Pool;
  prefix: string;
  catalog: CommandCatalog;
}): CommandStore => {
  const { pool } = options;
  const definition = commandStateProjection({ prefix: options.prefix, catalog: options.catalog });
  const table = (name: keyof CommandStateTables) => definition.model.tables.get(name)?.qualified ?? name;
  const outcomes = table('outcomes');
  const waiting = table('waiting');
  const streams = table('streams');
  const decidedStatement = (commandIds: readonly string[]): Statement => ({
    text: `select command_id from ${outcomes}
         where command_id = any($1::text[]) and status in ('applied', 'rejected')`,
    values: [[...commandIds]],
  });
  const statesStatement = (streamIds: readonly string[]): Statement => ({
    text: `select stream_id, aggregate, state, version from ${streams} where stream_id = any($1::text[])`,
    values: [[...streamIds]],
  });
  const insertAccepted = coalesceCalls<{ id: string; streamId: string; type: string }, never>(
    async (commands) => {
      await insertAcceptedRows({ db: pool, prefix: options.prefix, commands });
      return [];
    },
  );

  return {
    tables: { outcomes, waiting, streams },
    definition,
    migrate: async () => {
      await requireRegistry({ db: pool });
      await inTransaction(pool, async (client) => {
        // Serialises concurrent starts: `create ... if not exists` races with itself.
        await client.query(`select pg_advisory_xact_lock(hashtext($1))`, [definition.model.schema]);
        await createTables({ db: client, definition });
      });
    },

    findOutcome: async (commandId) => {
      const decided = await pool.query<{
        stream_id: string;
        command_type: string;
        status: 'applied' | 'rejected' | 'waiting' | 'dead-lettered';
        event_ids: string[];
        reason: string | null;
        at: Date;
        log_partition: number;
        log_offset: string;
        stream_version: number | null;
        expected_version: number | null;
      }>(
        `select stream_id, command_type, status, event_ids, reason, at, log_partition,
                log_offset::text as log_offset, stream_version, expected_version
         from ${outcomes} where command_id = $1`,
        [commandId],
      );
      const row = decided.rows[0];
      if (row !== undefined) {
        const base = {
          commandId,
          streamId: row.stream_id,
          commandType: row.command_type,
          at: row.at.toISOString(),
        };
        const place: DecisionPlace = {
          streamVersion: row.stream_version,
          positions: { [String(row.log_partition)]: row.log_offset },
          token: formatPositionToken(new Map([[row.log_partition, BigInt(row.log_offset)]])),
        };
        if (row.status === 'applied')
          return { ...base, status: 'applied', eventIds: row.event_ids, ...place };
        if (row.status === 'rejected')
          return {
            ...base,
            status: 'rejected',
            reason: row.reason ?? '',
            ...(row.expected_version === null ? {} : { expectedVersion: row.expected_version }),
            ...place,
          };
        return { ...base, status: row.status, reason: row.reason ?? '' };
      }
      const a = await readAccepted({ db: pool, prefix: options.prefix, commandId });
      return a === undefined
        ? undefined
        : {
            status: 'accepted',
            commandId,
            streamId: a.streamId,
            commandType: a.commandType,
            at: a.acceptedAt.toISOString(),
          };
    },

    // Concurrent requests share one insert (as their commands share produce requests).
    recordAccepted: async (commands) => {
      await insertAccepted(commands);
    },

    decidedAmong: async (commandIds) => {
      if (commandIds.length === 0) return new Set();
      const { text, values } = decidedStatement(commandIds);
      const result = await pool.query<{ command_id: string }>(text, [...values]);
      return new Set(result.rows.map((r) => r.command_id));
    },

    loadStreamStates: async (streamIds) => {
      if (streamIds.length === 0) return new Map();
      const { text, values } = statesStatement(streamIds);
      return streamStates((await pool.query<StreamRow>(text, [...values])).rows);
    },

    recall: async ({ commandIds, streamIds }) => {
      const asked: Statement[] = [];
      if (commandIds.length > 0) asked.push(decidedStatement(commandIds));
      if (streamIds.length > 0)
        asked.push(
          statesStatement(streamIds),
          parkedReasonsStatement({ name: definition.name, version: definition.version, streamIds }),
        );
      const results = await queryTogether(pool, asked);
      const decided = commandIds.length > 0 ? results.shift() : undefined;
      const [states, parked] = results;
      return {
        decided: new Set((decided?.rows ?? []).map((r: { command_id: string }) => r.command_id)),
        states: streamStates((states?.rows ?? []) as StreamRow[]),
        parked: parkedReasons((parked?.rows ?? []) as { stream_id: string; reason: string }[]),
      };
    },

    loadWaiting: async (commandsPartition) => {
      const result = await pool.query<{
        command_id: string;
        stream_id: string;
        reason: string;
        command: HeldCommand;
      }>(
        `select command_id, stream_id, reason, command from ${waiting}
         where commands_partition = $1 order by stream_id, events_offset`,
        [commandsPartition],
      );
      return result.rows.map((r) => ({
        commandId: r.command_id,
        streamId: r.stream_id,
        reason: r.reason,
        command: r.command,
      }));
    },

    waitFor: async (target, waitOptions = {}) => {
      const deadline = Date.now() + (waitOptions.timeoutMs ?? engineDefaults.commands.catchUpTimeoutMs);
      for (let pause = 5; ; pause = Math.min(100, pause * 2)) {
        const at = await readCheckpoints({ db: pool, name: definition.name, version: definition.version });
        if (reached(at, target)) return;
        if (Date.now() > deadline)
          throw new ProjectionistError(
            'PRJ_NOT_CAUGHT_UP',
            `the command state (${definition.name}) did not reach the end of the events topic in time; is its writer running?`,
            { details: { name: definition.name } },
          );
        await sleep(pause, undefined, waitOptions.signal === undefined ? {} : { signal: waitOptions.signal });
      }
    },
  };
};
