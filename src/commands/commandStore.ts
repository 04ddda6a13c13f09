import type pg from 'pg';
import type { OffsetVector } from '../log/index.ts';

/**
 * The command side's own read model in PostgreSQL (schema `<prefix>_commands`, one per
 * deployment's topic prefix, so deployments sharing a database never mix): every
 * command's outcome, the commands accepted over HTTP, each stream's aggregate state (the fold
 * the deciders consult), and the checkpoint of the recorder that builds them from the log.
 * All SQL of the command side lives here.
 */
/** The schema of a topic prefix: lower case, anything but letters and digits as "_", at most 63 characters. */
export const commandSchemaName = (prefix: string): string =>
  `${prefix.toLowerCase().replace(/[^a-z0-9]/g, '_')}_commands`.slice(-63).replace(/^[^a-z_]/, '_');

const migrateCommandStore = async (schema: string, pool: pg.Pool): Promise<void> => {
  const client = await pool.connect();
  try {
    await client.query('begin');
    // Serialises concurrent starts; released at commit.
    await client.query(`select pg_advisory_xact_lock(hashtext('${schema}'))`);
    await client.query(`create schema if not exists ${schema}`);
    await client.query(`create table if not exists ${schema}.outcomes (
      command_id text primary key,
      stream_id text not null,
      command_type text not null,
      status text not null check (status in ('applied', 'rejected')),
      event_ids jsonb not null default '[]',
      reason text,
      decided_at timestamptz not null)`);
    await client.query(`create table if not exists ${schema}.accepted (
      command_id text primary key,
      stream_id text not null,
      command_type text not null,
      accepted_at timestamptz not null default now())`);
    await client.query(`create table if not exists ${schema}.streams (
      stream_id text primary key,
      aggregate text not null,
      state jsonb,
      updated_at timestamptz not null default now())`);
    await client.query(`create table if not exists ${schema}.checkpoints (
      partition int primary key,
      next_offset bigint not null)`);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
};

export type StoredOutcome =
  | { status: 'accepted'; commandId: string; streamId: string; commandType: string; at: string }
  | {
      status: 'applied';
      commandId: string;
      streamId: string;
      commandType: string;
      eventIds: string[];
      at: string;
    }
  | {
      status: 'rejected';
      commandId: string;
      streamId: string;
      commandType: string;
      reason: string;
      at: string;
    };

const findOutcome = async (
  schema: string,
  pool: pg.Pool,
  commandId: string,
): Promise<StoredOutcome | undefined> => {
  const decided = await pool.query<{
    stream_id: string;
    command_type: string;
    status: 'applied' | 'rejected';
    event_ids: string[];
    reason: string | null;
    decided_at: Date;
  }>(
    `select stream_id, command_type, status, event_ids, reason, decided_at from ${schema}.outcomes where command_id = $1`,
    [commandId],
  );
  const row = decided.rows[0];
  if (row !== undefined) {
    const base = {
      commandId,
      streamId: row.stream_id,
      commandType: row.command_type,
      at: row.decided_at.toISOString(),
    };
    return row.status === 'applied'
      ? { ...base, status: 'applied', eventIds: row.event_ids }
      : { ...base, status: 'rejected', reason: row.reason ?? '' };
  }
  const accepted = await pool.query<{ stream_id: string; command_type: string; accepted_at: Date }>(
    `select stream_id, command_type, accepted_at from ${schema}.accepted where command_id = $1`,
    [commandId],
  );
  const a = accepted.rows[0];
  return a === undefined
    ? undefined
    : {
        status: 'accepted',
        commandId,
        streamId: a.stream_id,
        commandType: a.command_type,
        at: a.accepted_at.toISOString(),
      };
};

const recordAccepted = async (
  schema: string,
  pool: pg.Pool,
  commands: readonly { id: string; streamId: string; type: string }[],
): Promise<void> => {
  if (commands.length === 0) return;
  await pool.query(
    `insert into ${schema}.accepted (command_id, stream_id, command_type)
     select * from unnest($1::text[], $2::text[], $3::text[]) on conflict do nothing`,
    [commands.map((c) => c.id), commands.map((c) => c.streamId), commands.map((c) => c.type)],
  );
};

const decidedAmong = async (
  schema: string,
  pool: pg.Pool,
  commandIds: readonly string[],
): Promise<Set<string>> => {
  if (commandIds.length === 0) return new Set();
  const result = await pool.query<{ command_id: string }>(
    `select command_id from ${schema}.outcomes where command_id = any($1::text[])`,
    [commandIds],
  );
  return new Set(result.rows.map((r) => r.command_id));
};

const loadStreamStates = async (
  schema: string,
  pool: pg.Pool,
  streamIds: readonly string[],
): Promise<Map<string, unknown>> => {
  if (streamIds.length === 0) return new Map();
  const result = await pool.query<{ stream_id: string; state: unknown }>(
    `select stream_id, state from ${schema}.streams where stream_id = any($1::text[])`,
    [streamIds],
  );
  return new Map(result.rows.map((r) => [r.stream_id, r.state]));
};

const readRecorderCheckpoints = async (
  schema: string,
  pool: pg.Pool | pg.PoolClient,
): Promise<Map<number, bigint>> => {
  const result = await pool.query<{ partition: number; next_offset: string }>(
    `select partition, next_offset::text from ${schema}.checkpoints`,
  );
  return new Map(result.rows.map((r) => [r.partition, BigInt(r.next_offset)]));
};

export type RecorderFlush = {
  outcomes: {
    commandId: string;
    streamId: string;
    commandType: string;
    status: 'applied' | 'rejected';
    eventIds: string[];
    reason: string | null;
    at: string;
  }[];
  streams: Map<string, { aggregate: string; state: unknown }>;
  checkpoints: OffsetVector;
};

/** Writes one recorder batch and its checkpoints in one transaction (so a crash never doubles or loses). */
const flushRecorder = async (schema: string, pool: pg.Pool, batch: RecorderFlush): Promise<void> => {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const o = batch.outcomes;
    if (o.length > 0) {
      await client.query(
        `insert into ${schema}.outcomes (command_id, stream_id, command_type, status, event_ids, reason, decided_at)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::timestamptz[])
         on conflict (command_id) do nothing`,
        [
          o.map((x) => x.commandId),
          o.map((x) => x.streamId),
          o.map((x) => x.commandType),
          o.map((x) => x.status),
          o.map((x) => JSON.stringify(x.eventIds)),
          o.map((x) => x.reason),
          o.map((x) => x.at),
        ],
      );
    }
    const s = [...batch.streams];
    if (s.length > 0) {
      await client.query(
        `insert into ${schema}.streams (stream_id, aggregate, state)
         select * from unnest($1::text[], $2::text[], $3::jsonb[])
         on conflict (stream_id) do update set aggregate = excluded.aggregate, state = excluded.state, updated_at = now()`,
        [
          s.map(([id]) => id),
          s.map(([, v]) => v.aggregate),
          s.map(([, v]) => JSON.stringify(v.state ?? null)),
        ],
      );
    }
    const c = [...batch.checkpoints];
    await client.query(
      `insert into ${schema}.checkpoints (partition, next_offset)
       select * from unnest($1::int[], $2::bigint[])
       on conflict (partition) do update set next_offset = excluded.next_offset`,
      [c.map(([p]) => p), c.map(([, off]) => off.toString())],
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
};

export type CommandStore = {
  readonly schema: string;
  migrate(): Promise<void>;
  findOutcome(commandId: string): Promise<StoredOutcome | undefined>;
  recordAccepted(commands: readonly { id: string; streamId: string; type: string }[]): Promise<void>;
  decidedAmong(commandIds: readonly string[]): Promise<Set<string>>;
  loadStreamStates(streamIds: readonly string[]): Promise<Map<string, unknown>>;
  readCheckpoints(): Promise<Map<number, bigint>>;
  flush(batch: RecorderFlush): Promise<void>;
};

/** The command side's store for one deployment (topic prefix) in one database. */
export const createCommandStore = (options: { pool: pg.Pool; prefix: string }): CommandStore => {
  const { pool } = options;
  const schema = commandSchemaName(options.prefix);
  return {
    schema,
    migrate: () => migrateCommandStore(schema, pool),
    findOutcome: (id) => findOutcome(schema, pool, id),
    recordAccepted: (commands) => recordAccepted(schema, pool, commands),
    decidedAmong: (ids) => decidedAmong(schema, pool, ids),
    loadStreamStates: (ids) => loadStreamStates(schema, pool, ids),
    readCheckpoints: () => readRecorderCheckpoints(schema, pool),
    flush: (batch) => flushRecorder(schema, pool, batch),
  };
};
