import { ProjectionistError } from '../errors/index.ts';
import { deepStrictEqual } from 'node:assert/strict';
import pg from 'pg';
import { createEnvelope, encodeEnvelope, type LogBatch, type LogRecord } from '../log/index.ts';
import {
  acquireLease,
  forgetVersion,
  type Lease,
  migrateRegistry,
  registerVersion,
} from '../registry/index.ts';
import {
  createBatchState,
  createEmitter,
  createIndexes,
  createTables,
  emptyTables,
  type EventDecoder,
  flushBatch,
  decodeRow,
  loadRows,
  selectList,
  type ProjectorEvents,
  defaultBatchLimits,
  runBatches,
  type BatchLimits,
} from '../projections/index.ts';
import {
  type ProjectionDefinition,
  type RowOf,
  type TablesSpec,
  quoteIdentifier,
} from '../definitions/index.ts';

/** An event for `given`: type and data in the shape its version had; the rest is filled in. */
export type TestEvent = {
  readonly type: string;
  readonly data: unknown;
  readonly streamId?: string;
  /** The schema version the data is in. Default 1. */
  readonly version?: number;
  readonly eventId?: string;
  readonly time?: string;
};

const passThrough: EventDecoder = (envelope) => ({ status: 'ok', type: envelope.type, data: envelope.data });

/**
 * Runs a projection's handlers and the engine's real load and flush against a real PostgreSQL,
 * without Kafka: `given` events, then `expectRows`. Each `given` is one batch (split by the row
 * bound like any other), flushed with its checkpoint. Made by `projectionTestKit`; close it.
 */
export class ProjectionTestKit<Tables extends TablesSpec> {
  readonly #pool: pg.Pool;
  readonly #definition: ProjectionDefinition<Tables>;
  readonly #decode: EventDecoder;
  readonly #limits: BatchLimits;
  readonly #lease: Lease;
  #offset = 0n;
  /** Every flush of the last `given`, as the live projector reports it. */
  batches: ProjectorEvents['projector:batch'][] = [];

  constructor(options: {
    pool: pg.Pool;
    definition: ProjectionDefinition<Tables>;
    decode: EventDecoder;
    limits: BatchLimits;
    lease: Lease;
  }) {
    this.#pool = options.pool;
    this.#definition = options.definition;
    this.#decode = options.decode;
    this.#limits = options.limits;
    this.#lease = options.lease;
  }

  /** Applies events in order, as one batch, and flushes them. */
  async given(events: TestEvent | readonly TestEvent[]): Promise<this> {
    const list = Array.isArray(events) ? (events as readonly TestEvent[]) : [events as TestEvent];
    const records: LogRecord[] = list.map((e) => {
      const encoded = encodeEnvelope(
        createEnvelope({
          type: e.type,
          version: e.version ?? 1,
          streamId: e.streamId ?? 'stream-1',
          data: e.data,
          ...(e.eventId === undefined ? {} : { eventId: e.eventId }),
          ...(e.time === undefined ? {} : { time: e.time }),
        }),
      );
      const offset = this.#offset++;
      return {
        partition: 0,
        offset,
        key: encoded.key,
        value: encoded.value,
        headers: encoded.headers,
        timestamp: '0',
      };
    });
    const batch: LogBatch = { partition: 0, records, next: this.#offset, highWatermark: this.#offset };
    const definition = this.#definition as unknown as ProjectionDefinition;
    const emitter = createEmitter<ProjectorEvents>();
    this.batches = [];
    emitter.on('projector:batch', (b) => this.batches.push(b));
    const empty = await emptyTables({ db: this.#pool, definition });
    const outcome = await runBatches({
      definition,
      decode: this.#decode,
      batches: (async function* () {
        yield await Promise.resolve(batch);
      })(),
      state: createBatchState({ model: definition.model, emptyTables: empty }),
      positions: new Map(),
      limits: this.#limits,
      emitter,
      sink: {
        load: (table, keys) => loadRows({ db: this.#pool, table, keys }),
        flush: (changes, positions) =>
          flushBatch({
            pool: this.#pool,
            lease: this.#lease,
            changes,
            positions,
            copyThreshold: this.#limits.copyThreshold,
          }),
      },
    });
    if (outcome.status === 'waiting')
      throw new ProjectionistError(
        'PRJ_WAITING_FOR_CODE',
        `the decoder refused an event for now: ${outcome.reason}`,
      );
    return this;
  }

  /** The table's rows, ordered by primary key, as handlers see them. */
  async rows<K extends keyof Tables & string>(table: K): Promise<RowOf<Tables[K]>[]> {
    const model = this.#definition.model.tables.get(table);
    if (model === undefined)
      throw new ProjectionistError('PRJ_NOT_FOUND', `${this.#definition.name} has no table ${table}`);
    const order = model.primaryKey.map((c) => `t.${quoteIdentifier(c.name)}`).join(', ');
    const result = await this.#pool.query<Record<string, unknown>>(
      `select ${selectList(model)} from ${model.qualified} as t order by ${order}`,
    );
    return result.rows.map((raw) => decodeRow(model, raw) as RowOf<Tables[K]>);
  }

  /** Asserts the table holds exactly `rows` (in any order); the failure shows the difference. */
  async expectRows<K extends keyof Tables & string>(
    table: K,
    rows: readonly RowOf<Tables[K]>[],
  ): Promise<void> {
    const actual = await this.rows(table);
    const model = this.#definition.model.tables.get(table);
    const keyOf = (row: RowOf<Tables[K]>) =>
      JSON.stringify(model?.primaryKey.map((c) => String((row as Record<string, unknown>)[c.name])) ?? []);
    const expected = [...rows].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
    const byKey = [...actual].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
    deepStrictEqual(
      byKey.map((r) => ({ ...r })),
      expected.map((r) => ({ ...r })),
      `${this.#definition.name}.${table} rows differ`,
    );
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

/**
 * A test kit for one projection version in the database at `databaseUrl` (use a database of the
 * test's own: the version's schema is dropped and made again). `decode` upcasts old versions;
 * by default data passes through as the newest shape.
 */
export const projectionTestKit = async <Tables extends TablesSpec>(options: {
  projection: ProjectionDefinition<Tables>;
  databaseUrl: string;
  decode?: EventDecoder;
  limits?: Partial<BatchLimits>;
}): Promise<ProjectionTestKit<Tables>> => {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  try {
    const definition = options.projection as unknown as ProjectionDefinition;
    const { name, version } = definition;
    await migrateRegistry({ pool });
    await pool.query(`drop schema if exists ${quoteIdentifier(definition.model.schema)} cascade`);
    await forgetVersion({ db: pool, name, version });
    await registerVersion({ pool, definition });
    await createTables({ db: pool, definition });
    await createIndexes({ db: pool, definition });
    const lease = await acquireLease({
      db: pool,
      name,
      version,
      holder: 'projection-test-kit',
      ttlMs: 3_600_000,
    });
    if (lease === undefined)
      throw new ProjectionistError('PRJ_LEASE_HELD', `could not take the lease of ${name} v${version}`);
    return new ProjectionTestKit({
      pool,
      definition: options.projection,
      decode: options.decode ?? passThrough,
      limits: { ...defaultBatchLimits, ...options.limits },
      lease,
    });
  } catch (error) {
    await pool.end();
    throw error;
  }
};
