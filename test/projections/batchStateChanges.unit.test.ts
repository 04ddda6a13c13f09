import { describe, expect, it } from 'vitest';
import { defineProjection, type ProjectionEvent } from '../../src/definitions/index.ts';
import { createBatchState } from '../../src/projections/createBatchState.ts';
import type { Application } from '../../src/projections/BatchState.ts';

const totals = defineProjection({
  name: 'totals',
  version: 1,
  tables: { totals: { columns: { id: 'text', n: 'bigint' }, primaryKey: ['id'] } },
  handlers: {
    Set: {
      keys: () => [],
      apply: (e: ProjectionEvent<{ n: number }>, store) =>
        store.upsert('totals', { id: e.streamId, n: BigInt(e.data.n) }),
    },
    /** Writes its row, then fails: the write must be undone. */
    SetThenFail: {
      keys: () => [],
      apply: (e: ProjectionEvent<{ n: number }>, store) => {
        store.upsert('totals', { id: e.streamId, n: BigInt(e.data.n) });
        throw new Error('refused after writing');
      },
    },
    Drop: { keys: () => [], apply: (e, store) => store.delete('totals', { id: e.streamId }) },
  },
});

const application = (type: 'Set' | 'SetThenFail' | 'Drop', streamId: string, n = 1): Application => ({
  event: {
    type,
    data: { n },
    eventId: `${type}-${streamId}-${n}`,
    streamId,
    time: '2026-01-01T00:00:00.000Z',
    causationId: null,
    correlationId: null,
    position: { partition: 0, offset: 0n },
    writtenVersion: 1,
  },
  handler: totals.handlers[type] as Application['handler'],
});

const changed = (state: ReturnType<typeof createBatchState>) =>
  state
    .changes()
    .tables.flatMap((t) => [
      ...t.inserts.map(
        (r) => `insert ${JSON.stringify([r.id, typeof r.n === 'bigint' ? r.n.toString() : r.n])}`,
      ),
      ...t.upserts.map(
        (r) => `upsert ${JSON.stringify([r.id, typeof r.n === 'bigint' ? r.n.toString() : r.n])}`,
      ),
      ...t.deletes.map((k) => `delete ${JSON.stringify([k.id])}`),
    ]);

describe('the batch state’s changes', () => {
  it('are the rows written since the last commit only, however many clean rows it holds', () => {
    const state = createBatchState({ model: totals.model, emptyTables: new Set(['totals']) });
    for (let i = 0; i < 1_000; i++) expect(state.apply(application('Set', `s${i}`, i))).toBe('done');
    expect(changed(state)).toHaveLength(1_000);
    state.committed();
    expect(changed(state)).toEqual([]);
    expect(state.apply(application('Set', 's7', 70))).toBe('done');
    expect(state.apply(application('Drop', 's8'))).toBe('done');
    expect(state.apply(application('Set', 'new', 1))).toBe('done');
    expect(changed(state)).toEqual(['insert ["new","1"]', 'upsert ["s7","70"]', 'delete ["s8"]']);
    expect(state.size()).toBe(1_001);
  });

  it('leave out a write that was undone, and keep the earlier write of the same row', () => {
    const state = createBatchState({ model: totals.model, emptyTables: new Set(['totals']) });
    state.apply(application('Set', 'a', 1));
    state.committed();
    expect(state.apply(application('SetThenFail', 'a', 2))).toMatchObject({ failed: expect.any(Error) });
    expect(state.apply(application('SetThenFail', 'b', 2))).toMatchObject({ failed: expect.any(Error) });
    expect(changed(state)).toEqual([]);
    state.apply(application('Set', 'c', 3));
    expect(state.apply(application('SetThenFail', 'c', 4))).toMatchObject({ failed: expect.any(Error) });
    expect(changed(state)).toEqual(['insert ["c","3"]']);
    state.committed();
    // After the commit nothing is dirty, so evicting is allowed and the state is clean.
    state.evict(0);
    expect(state.size()).toBe(0);
    expect(changed(state)).toEqual([]);
  });
});
