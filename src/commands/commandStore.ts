import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { engineDefaults } from '../config/index.ts';
import { ProjectionistError } from '../errors/index.ts';
import { coalesceCalls, type OffsetVector } from '../log/index.ts';
import { createTables } from '../projections/index.ts';
import { inTransaction } from '../db/index.ts';
import {
  insertAccepted as insertAcceptedRows,
  readAccepted,
  readCheckpoints,
  readParkedReasons,
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
  | { readonly status: 'applied'; readonly eventIds: string[] }
  | { readonly status: 'rejected' | 'waiting' | 'dead-lettered'; readonly reason: string }
);

/** A stream's aggregate (the kind of thing it is) and its state, folded from its events. */
export type StreamState = { readonly aggregate: string; readonly state: unknown };

/** A command held for its stream, as the projection last recorded it. */
export type WaitingCommand = {
  readonly commandId: string;
  readonly streamId: string;
  readonly reason: string;
  readonly command: HeldCommand;
};

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
   * Which of these streams hold an event the command-state projection parked (newer than its
   * writer's code, or one its fold failed on): their stored state is incomplete. Answers each
   * with the reason of its first parked event.
   */
  parkedAmong(streamIds: readonly string[]): Promise<Map<string, string>>;
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
      }>(
        `select stream_id, command_type, status, event_ids, reason, at from ${outcomes} where command_id = $1`,
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
        return row.status === 'applied'
          ? { ...base, status: 'applied', eventIds: row.event_ids }
          : { ...base, status: row.status, reason: row.reason ?? '' };
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
      const result = await pool.query<{ command_id: string }>(
        `select command_id from ${outcomes}
         where command_id = any($1::text[]) and status in ('applied', 'rejected')`,
        [commandIds],
      );
      return new Set(result.rows.map((r) => r.command_id));
    },

    loadStreamStates: async (streamIds) => {
      if (streamIds.length === 0) return new Map();
      const result = await pool.query<{ stream_id: string; aggregate: string; state: unknown }>(
        `select stream_id, aggregate, state from ${streams} where stream_id = any($1::text[])`,
        [streamIds],
      );
      return new Map(result.rows.map((r) => [r.stream_id, { aggregate: r.aggregate, state: r.state }]));
    },

    parkedAmong: (streamIds) =>
      readParkedReasons({ db: pool, name: definition.name, version: definition.version, streamIds }),

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
