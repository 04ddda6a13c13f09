import { describe, expect, it } from 'vitest';
import { isProjectionistError } from '../../src/errors/index.ts';
import { createEnvelope, headerNames, type Envelope, type LogBatch } from '../../src/log/index.ts';
import { createEmitter, type EventDecoder, type ProjectorEvents } from '../../src/projections/index.ts';
import { defineProjection, type ProjectionEvent } from '../../src/definitions/index.ts';
import { createBatchState } from '../../src/projections/createBatchState.ts';
import { keyString } from '../../src/projections/rowCodec.ts';
import type { Row, TableModel } from '../../src/definitions/projectionTypes.ts';
import {
  defaultBatchLimits,
  runBatches,
  type BatchLimits,
  type BatchSink,
} from '../../src/projections/runBatches.ts';
import { fromArray, logBatches } from './support/logBatches.ts';

const counters = defineProjection({
  name: 'counters',
  version: 1,
  tables: {
    counters: {
      columns: { id: 'text', n: 'bigint', label: { type: 'text', nullable: true } },
      primaryKey: ['id'],
    },
  },
  handlers: {
    Incremented: {
      keys: (e) => [{ table: 'counters', key: { id: e.streamId } }],
      apply: (e: ProjectionEvent<{ by: number }>, store) => {
        const row = store.get('counters', { id: e.streamId });
        store.upsert('counters', {
          id: e.streamId,
          n: (row?.n ?? 0n) + BigInt(e.data.by),
          label: row?.label ?? null,
        });
      },
    },
    /** Writes its counter without reading it. */
    Set: {
      keys: () => [],
      apply: (e: ProjectionEvent<{ n: number }>, store) =>
        store.upsert('counters', { id: e.streamId, n: BigInt(e.data.n), label: null }),
    },
    Reset: {
      keys: () => [],
      apply: (e, store) => store.delete('counters', { id: e.streamId }),
    },
    /** Moves 10 from its stream's counter to another, which keys() cannot name: a late load. */
    Transferred: {
      keys: (e) => [{ table: 'counters', key: { id: e.streamId } }],
      apply: (e: ProjectionEvent<{ to: string }>, store) => {
        store.patch('counters', { id: e.streamId }, (row) => ({ ...row, n: row.n - 10n }));
        store.patch('counters', { id: e.data.to }, (row) => ({ ...row, n: row.n + 10n }));
      },
    },
  },
});

/** The project's own sink interface over an in-memory table, recording every call. */
const memorySink = () => {
  const rows = new Map<string, Row>();
  const loads: { table: string; keys: number }[] = [];
  const flushes: { inserts: number; upserts: number; deletes: number; positions: Map<number, bigint> }[] = [];
  const sink: BatchSink = {
    load: (table: TableModel, keys: readonly Row[]) => {
      loads.push({ table: table.name, keys: keys.length });
      const found: Row[] = [];
      for (const key of keys) {
        const row = rows.get(keyString(table, key));
        if (row !== undefined) found.push({ ...row });
      }
      return Promise.resolve(found);
    },
    flush: (changes, positions) => {
      let inserts = 0;
      let upserts = 0;
      let deletes = 0;
      for (const t of changes.tables) {
        for (const r of t.inserts) {
          if (rows.has(keyString(t.table, r))) throw new Error('insert of an existing row');
          rows.set(keyString(t.table, r), r);
        }
        for (const r of t.upserts) rows.set(keyString(t.table, r), r);
        for (const k of t.deletes) rows.delete(keyString(t.table, k));
        inserts += t.inserts.length;
        upserts += t.upserts.length;
        deletes += t.deletes.length;
      }
      flushes.push({ inserts, upserts, deletes, positions: new Map(positions) });
      return Promise.resolve({
        inserted: inserts,
        upserted: upserts,
        deleted: deletes,
        statements: changes.sql.length,
        tookMs: 0,
      });
    },
  };
  return { sink, rows, loads, flushes };
};

const passThrough: EventDecoder = (e) => ({ status: 'ok', type: e.type, data: e.data });

const run = async (options: {
  batches: LogBatch[];
  sink: BatchSink;
  empty?: boolean;
  limits?: Partial<BatchLimits>;
  decode?: EventDecoder;
  maxEvictedKeys?: number;
}) => {
  const emitter = createEmitter<ProjectorEvents>();
  const skipped: string[] = [];
  emitter.on('projector:skipped', (s) => skipped.push(s.reason));
  const positions = new Map<number, bigint>();
  const outcome = await runBatches({
    definition: counters,
    decode: options.decode ?? passThrough,
    batches: fromArray(options.batches),
    state: createBatchState({
      model: counters.model,
      emptyTables: new Set(options.empty === true ? ['counters'] : []),
      ...(options.maxEvictedKeys === undefined ? {} : { maxEvictedKeys: options.maxEvictedKeys }),
    }),
    positions,
    sink: options.sink,
    limits: { ...defaultBatchLimits, maxDelayMs: 10_000, ...options.limits },
    emitter,
  });
  return { outcome, positions, skipped };
};

const inc = (streamId: string, by = 1): Envelope =>
  createEnvelope({ type: 'Incremented', version: 1, streamId, data: { by } });

describe('runBatches', () => {
  it('gives the event loop turns while it applies a fetch of slow events, not only while it decodes them', async () => {
    const spin = (us: number) => {
      const until = performance.now() + us / 1000;
      while (performance.now() < until);
    };
    // 2,000 events of 25 µs each: 50 ms of handlers in one chunk, decoded in a fraction of that.
    const slow = defineProjection({
      name: 'slow',
      version: 1,
      tables: counters.tables,
      handlers: {
        Incremented: {
          keys: () => [],
          apply: (e, store) => {
            spin(25);
            store.upsert('counters', { id: e.streamId, n: 1n, label: null });
          },
        },
      },
    });
    const batches = fromArray(logBatches(Array.from({ length: 2_000 }, (_, i) => inc(`c${i}`))));
    const memory = memorySink();
    let longest = 0;
    let last = performance.now();
    let watching = true;
    const watch = () => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      if (watching) setImmediate(watch);
    };
    setImmediate(watch);
    await runBatches({
      definition: slow,
      decode: passThrough,
      batches,
      state: createBatchState({ model: slow.model, emptyTables: new Set(['counters']) }),
      positions: new Map(),
      sink: memory.sink,
      limits: { ...defaultBatchLimits, maxDelayMs: 10_000 },
      emitter: createEmitter<ProjectorEvents>(),
    });
    watching = false;
    // The run since the last turn counts too.
    longest = Math.max(longest, performance.now() - last);
    expect(memory.rows.size).toBe(2_000);
    // Slices of ~2 ms, checked every 32 events (0.8 ms of handlers). Without slices in the apply
    // the longest wait is the whole chunk (50 ms and more); 30 leaves room for a loaded machine.
    expect(longest).toBeLessThan(30);
  });

  it('coalesces a thousand events on one row into one written row', async () => {
    const memory = memorySink();
    const events = Array.from({ length: 1_000 }, () => inc('c1', 2));
    await run({ batches: logBatches(events, { size: 250 }), sink: memory.sink, empty: true });
    expect(memory.flushes).toEqual([
      { inserts: 1, upserts: 0, deletes: 0, positions: new Map([[0, 1_000n]]) },
    ]);
    expect(memory.rows.get('c1')?.n).toBe(2_000n);
  });

  it('loads nothing when the tables were empty at the start (a build from empty)', async () => {
    const memory = memorySink();
    await run({
      batches: logBatches([inc('a'), inc('b'), inc('a')], { size: 1 }),
      sink: memory.sink,
      empty: true,
    });
    expect(memory.loads).toEqual([]);
    expect(memory.flushes[0]?.inserts).toBe(2);
  });

  it('loads every row a batch declares with one call per table, and each row once', async () => {
    const memory = memorySink();
    await run({ batches: logBatches([inc('a'), inc('b')]), sink: memory.sink, empty: true });
    const events = [inc('a'), inc('b'), inc('c'), inc('a'), inc('b')];
    const again = await run({ batches: logBatches(events, { first: 2n }), sink: memory.sink });
    expect(memory.loads).toEqual([{ table: 'counters', keys: 3 }]);
    expect(memory.flushes.at(-1)).toMatchObject({ inserts: 1, upserts: 2, deletes: 0 });
    expect(again.positions).toEqual(new Map([[0, 7n]]));
    expect([...memory.rows.values()].map((r) => [r.id, r.n])).toEqual([
      ['a', 3n],
      ['b', 3n],
      ['c', 1n],
    ]);
  });

  it('flushes at the row bound with the checkpoint of exactly what was applied, then reloads', async () => {
    const memory = memorySink();
    const events = Array.from({ length: 25 }, (_, i) => inc(`k${i % 12}`));
    await run({
      batches: logBatches(events),
      sink: memory.sink,
      empty: true,
      limits: { maxRows: 5, keepShare: 0 },
    });
    // every flush covers whole events: its checkpoint is the offset of the first one not applied
    const offsets = memory.flushes.map((f) => f.positions.get(0));
    expect(offsets).toEqual([5n, 10n, 15n, 20n, 25n]);
    expect(memory.flushes.every((f, i) => i === 0 || f.inserts + f.upserts <= 5)).toBe(true);
    // after the first eviction the engine can no longer assume rows are absent: it loads
    expect(memory.loads.length).toBeGreaterThan(0);
    expect(memory.rows.size).toBe(12);
    expect([...memory.rows.values()].reduce((sum, r) => sum + (r.n as bigint), 0n)).toBe(25n);
  });

  it('after an eviction, a build from empty loads only rows it evicted, never keys it has not seen', async () => {
    // 30 new counters, then the first 5 again: with room for 5 rows, only those 5 are loaded.
    const events = [
      ...Array.from({ length: 30 }, (_, i) => inc(`n${i}`)),
      ...Array.from({ length: 5 }, (_, i) => inc(`n${i}`)),
    ];
    const loaded = async (maxEvictedKeys?: number) => {
      const memory = memorySink();
      await run({
        batches: logBatches(events, { size: 5 }),
        sink: memory.sink,
        empty: true,
        limits: { maxRows: 5, keepShare: 0 },
        ...(maxEvictedKeys === undefined ? {} : { maxEvictedKeys }),
      });
      expect([...memory.rows.values()].map((r) => [r.id, r.n]).slice(0, 6)).toEqual([
        ['n0', 2n],
        ['n1', 2n],
        ['n2', 2n],
        ['n3', 2n],
        ['n4', 2n],
        ['n5', 1n],
      ]);
      return memory.loads.reduce((n, l) => n + l.keys, 0);
    };
    expect(await loaded()).toBe(5);
    // Past the bound on remembered keys it forgets them, and loads every key it does not hold.
    expect(await loaded(3)).toBeGreaterThan(20);
  });

  it('after an eviction, writes rows it evicted without reading them as upserts and deletes, not inserts', async () => {
    const events = [
      ...Array.from({ length: 20 }, (_, i) => inc(`n${i}`)),
      createEnvelope({ type: 'Set', version: 1, streamId: 'n0', data: { n: 7 } }),
      createEnvelope({ type: 'Reset', version: 1, streamId: 'n1', data: {} }),
    ];
    const memory = memorySink();
    await run({
      batches: logBatches(events, { size: 5 }),
      sink: memory.sink,
      empty: true,
      limits: { maxRows: 5, keepShare: 0 },
    });
    expect(memory.rows.get('n0')?.n).toBe(7n);
    expect(memory.rows.has('n1')).toBe(false);
    expect(memory.rows.size).toBe(19);
    expect(memory.flushes.at(-1)).toMatchObject({ inserts: 0, upserts: 1, deletes: 1 });
  });

  it('keeps the most recently written rows when the row bound evicts, so a hot row is not loaded again', async () => {
    // One hot counter written by every other event, among cold ones written once each.
    const events = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? inc('hot') : inc(`cold${i}`)));
    const loadedKeys = async (keepShare: number) => {
      const memory = memorySink();
      await run({
        batches: logBatches(events, { size: 4 }),
        sink: memory.sink,
        empty: true,
        limits: { maxRows: 6, keepShare },
      });
      return {
        keys: memory.loads.reduce((n, l) => n + l.keys, 0),
        rows: [...memory.rows.values()].map((r) => [r.id, r.n]),
      };
    };
    const all = await loadedKeys(0);
    const kept = await loadedKeys(0.5);
    // Same rows either way; evicting everything loads the hot row again after each eviction.
    expect(kept.rows).toEqual(all.rows);
    expect(kept.rows.find(([id]) => id === 'hot')).toEqual(['hot', 20n]);
    expect(kept.keys).toBeLessThan(all.keys);
  });

  it('writes a row deleted after its creation in the same batch not at all', async () => {
    const memory = memorySink();
    const reset = createEnvelope({ type: 'Reset', version: 1, streamId: 'x', data: {} });
    await run({ batches: logBatches([inc('x'), inc('x'), reset, inc('y')]), sink: memory.sink, empty: true });
    expect(memory.flushes).toEqual([{ inserts: 1, upserts: 0, deletes: 0, positions: new Map([[0, 4n]]) }]);
  });

  it('loads a row keys() did not declare one round later, running its handler once in effect', async () => {
    const memory = memorySink();
    await run({ batches: logBatches([inc('a'), inc('b'), inc('c')]), sink: memory.sink, empty: true });
    memory.loads.length = 0;
    const transfer = (from: string, to: string) =>
      createEnvelope({ type: 'Transferred', version: 1, streamId: from, data: { to } });
    const batches = logBatches([transfer('a', 'b'), transfer('b', 'c'), transfer('a', 'c')], { first: 3n });
    const lateLoads: number[] = [];
    const emitter = createEmitter<ProjectorEvents>();
    emitter.on('projector:batch', (b) => lateLoads.push(b.lateLoads));
    await runBatches({
      definition: counters,
      decode: passThrough,
      batches: fromArray(batches),
      state: createBatchState({ model: counters.model, emptyTables: new Set() }),
      positions: new Map(),
      sink: memory.sink,
      limits: defaultBatchLimits,
      emitter,
    });
    // one load for the declared rows, one more for all the undeclared ones the chunk reads
    expect(memory.loads).toEqual([
      { table: 'counters', keys: 2 },
      { table: 'counters', keys: 1 },
    ]);
    expect(lateLoads).toEqual([1]);
    // each transfer moved exactly 10 once, although its handler ran again after the late load
    expect([...memory.rows.values()].map((r) => [r.id, r.n])).toEqual([
      ['a', -19n],
      ['b', 1n],
      ['c', 21n],
    ]);
  });

  it('stops at a handler that throws, naming the event, with nothing flushed', async () => {
    const memory = memorySink();
    const broken = createEnvelope({ type: 'Incremented', version: 1, streamId: 'x', data: { by: 1.5 } });
    const error = await run({
      batches: logBatches([inc('y'), broken], { first: 40n }),
      sink: memory.sink,
    }).catch((e: unknown) => e);
    expect(isProjectionistError(error, 'PRJ_HANDLER_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/Incremented handler failed at partition 0 offset 41: .*1.5/);
    expect(memory.flushes).toEqual([]);
  });

  it('passes over types it does not read on the header alone, and reports records it cannot read', async () => {
    const memory = memorySink();
    let decoded = 0;
    const decode: EventDecoder = (e) => {
      decoded++;
      return passThrough(e);
    };
    const [batch] = logBatches([
      inc('a'),
      createEnvelope({ type: 'SomethingElse', version: 1, streamId: 'a', data: {} }),
      inc('a'),
    ]);
    if (batch === undefined) throw new Error('no batch');
    const other = batch.records[1];
    if (other === undefined) throw new Error('no record');
    const garbage = {
      ...other,
      offset: 3n,
      value: Buffer.from('not json'),
      headers: { [headerNames.type]: 'Incremented' },
    };
    const broken: LogBatch = { ...batch, records: [...batch.records, garbage], next: 4n };
    const { skipped, positions } = await run({ batches: [broken], sink: memory.sink, empty: true, decode });
    expect(decoded).toBe(2);
    expect(skipped).toEqual(['malformed envelope: the record value is not JSON']);
    expect(positions.get(0)).toBe(4n);
    expect(memory.rows.get('a')?.n).toBe(2n);
  });

  it('stops before an event newer than its code, with everything before it flushed', async () => {
    const memory = memorySink();
    const decode: EventDecoder = (e) =>
      (e.data as { by: number }).by === 99 ? { status: 'wait', reason: 'too new' } : passThrough(e);
    const events = [inc('a'), inc('a'), inc('a', 99), inc('a')];
    const { outcome, positions } = await run({
      batches: logBatches(events),
      sink: memory.sink,
      empty: true,
      decode,
    });
    expect(outcome).toEqual({ status: 'waiting', position: { partition: 0, offset: 2n }, reason: 'too new' });
    expect(positions.get(0)).toBe(2n);
    expect(memory.flushes.at(-1)?.positions.get(0)).toBe(2n);
    expect(memory.rows.get('a')?.n).toBe(2n);
  });

  it('checkpoints the position of a batch that holds only transaction markers', async () => {
    const memory = memorySink();
    const markersOnly: LogBatch = { partition: 2, records: [], next: 5n, highWatermark: 5n };
    const { positions } = await run({ batches: [markersOnly], sink: memory.sink });
    expect(positions.get(2)).toBe(5n);
    expect(memory.flushes).toEqual([{ inserts: 0, upserts: 0, deletes: 0, positions: new Map([[2, 5n]]) }]);
  });

  it('records the end positions of a replay even when the last records were not events', async () => {
    const memory = memorySink();
    const positions = new Map<number, bigint>();
    await runBatches({
      definition: counters,
      decode: passThrough,
      batches: fromArray(logBatches([inc('a')])),
      state: createBatchState({ model: counters.model, emptyTables: new Set() }),
      positions,
      sink: memory.sink,
      limits: defaultBatchLimits,
      emitter: createEmitter<ProjectorEvents>(),
      endPositions: new Map([
        [0, 3n],
        [1, 7n],
      ]),
    });
    expect(memory.flushes.at(-1)?.positions).toEqual(
      new Map([
        [0, 3n],
        [1, 7n],
      ]),
    );
  });
});
