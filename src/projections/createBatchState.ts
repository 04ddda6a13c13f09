import { engineDefaults } from '../config/index.ts';
import { ProjectionistError } from '../errors/index.ts';
import type { ProjectionModel, Row, TableModel } from '../definitions/index.ts';
import type { Application, Applied, BatchState, LoadPlan, QueuedSql, TableChanges } from './BatchState.ts';
import { createKeyFilter, type KeyFilter } from './createKeyFilter.ts';
import { createBatchStore, rowMiss } from './createBatchStore.ts';
import { keyString, keyText, normalizeKey } from './rowCodec.ts';

export type { BatchState, LoadPlan, QueuedSql, TableChanges } from './BatchState.ts';

/** Whether the table holds a row under this key: known from a load, or unknown. */
type Persisted = 'yes' | 'no' | 'unknown';
type Entry = {
  readonly key: Row;
  row: Row | null;
  persisted: Persisted;
  dirty: boolean;
  /** When the entry was put, counting puts: eviction drops the lowest first (see evict). */
  readonly seq: number;
};
/**
 * What entryFor answers for a key a complete table does not hold: a known absent row, which
 * costs no entry (a build from empty asks this of every new key).
 */
const absent: Entry = Object.freeze({
  key: Object.freeze({}),
  row: null,
  persisted: 'no',
  dirty: false,
  seq: -1,
});
type TableState = {
  readonly model: TableModel;
  readonly entries: Map<string, Entry>;
  /**
   * Every row the table holds is in `entries` or `evicted`: a key in neither is an absent row,
   * nothing to load.
   */
  complete: boolean;
  /** Keys of rows the table holds that were dropped from memory (while complete), as hashes. */
  readonly evicted: KeyFilter;
  /**
   * Keys written since the last commit, in the order first written: what a flush writes, found
   * without walking every entry (a live tail flushes a few rows at a time out of a cache of up
   * to maxRows). A key whose write was undone stays in it; its entry is not dirty.
   */
  readonly dirty: Set<string>;
  /**
   * Set once the keys written since the commit are a large share of the entries (a replay's
   * flush, nearly all of them): `dirty` stops growing, and the flush walks every entry instead.
   */
  walkAll: boolean;
};
/**
 * The rows of one projection version in memory, and the store handlers write through. Every
 * change to the same row coalesces: only its final state (a row, or deleted) is flushed.
 * `emptyTables` are those known empty when this state was made (a rebuild from empty), whose
 * rows need no loading until some are evicted.
 */
export const createBatchState = (options: {
  model: ProjectionModel;
  emptyTables: ReadonlySet<string>;
  /** Default engineDefaults.maxEvictedKeys. */
  maxEvictedKeys?: number;
}): BatchState => {
  const tables = new Map<string, TableState>();
  for (const model of options.model.tables.values())
    tables.set(model.name, {
      model,
      entries: new Map(),
      complete: options.emptyTables.has(model.name),
      evicted: createKeyFilter(),
      dirty: new Set(),
      walkAll: false,
    });
  let sql: QueuedSql[] = [];
  let size = 0;
  /**
   * How to undo each change to memory since the event being applied began (or the probe), no
   * more: the table, the key text, and the entry as it was (undefined: it was not there). Three
   * arrays rather than an object per change: an event makes several. An entry is never changed
   * in place while it may be in here (only committed() changes entries, and it empties these).
   */
  const journal = {
    states: [] as TableState[],
    texts: [] as string[],
    befores: [] as (Entry | undefined)[],
    get length() {
      return this.texts.length;
    },
    set length(at: number) {
      // Asked twice per event, nearly always of an empty journal.
      if (this.texts.length === at) return;
      this.states.length = at;
      this.texts.length = at;
      this.befores.length = at;
    },
  };
  let misses: LoadPlan = new Map();
  let missed = 0;
  /** Keys in the tables' `evicted` sets, all told. */
  let evictedKeys = 0;
  /** Puts so far: the `seq` of the next entry. */
  let seq = 0;
  const maxEvictedKeys = options.maxEvictedKeys ?? engineDefaults.maxEvictedKeys;
  /** The table no longer knows which rows it holds: every key it does not have in memory is loaded. */
  const forget = (state: TableState) => {
    state.complete = false;
    evictedKeys -= state.evicted.size;
    state.evicted.clear();
  };

  /**
   * The entries that may be dirty: looked up by the keys written since the commit when they are
   * few (a live tail's flush), or all of them when they are many (a replay's: see walkAll).
   */
  function* dirtyEntries(state: TableState): Generator<Entry> {
    if (state.walkAll) {
      yield* state.entries.values();
      return;
    }
    for (const text of state.dirty) {
      const entry = state.entries.get(text);
      if (entry !== undefined) yield entry;
    }
  }

  const tableOf = (name: string): TableState => {
    const state = tables.get(name);
    if (state === undefined)
      throw new ProjectionistError('PRJ_HANDLER_FAILED', `"${name}" is not a table of ${options.model.name}`);
    return state;
  };
  /** Sets the entry of `text`, journaling `before`: what the caller found there (one lookup, not two). */
  const put = (state: TableState, text: string, entry: Entry, before: Entry | undefined) => {
    journal.states.push(state);
    journal.texts.push(text);
    journal.befores.push(before);
    if (before === undefined) size++;
    // A row written again keeps its place in the map (moving it is a delete and a set, which
    // leaves a hole to compact): its `seq` says how recently it was written.
    state.entries.set(text, entry);
  };
  /** The row's entry; `absent` when a complete table does not hold it; undefined when unknown. */
  const entryFor = (state: TableState, text: string): Entry | undefined => {
    const entry = state.entries.get(text);
    if (entry !== undefined || !state.complete || state.evicted.mayHave(text)) return entry;
    return absent;
  };
  const write = (state: TableState, key: Row, row: Row | null) => {
    const text = keyString(state.model, key);
    const entry = state.entries.get(text);
    // A row dirty already is in the set: a replay writes hot rows many times a flush.
    if (!state.walkAll && (entry === undefined || !entry.dirty)) {
      state.dirty.add(text);
      if (state.dirty.size * 4 > state.entries.size + 64) state.walkAll = true;
    }
    put(
      state,
      text,
      entry === undefined
        ? {
            key,
            row,
            persisted: state.complete && !state.evicted.mayHave(text) ? 'no' : 'unknown',
            dirty: true,
            seq: seq++,
          }
        : { key: entry.key, row, persisted: entry.persisted, dirty: true, seq: seq++ },
      entry,
    );
  };
  const read = (tableName: string, key: unknown): Row | undefined => {
    const state = tableOf(tableName);
    const text = keyText(state.model, key);
    const entry = entryFor(state, text);
    if (entry === undefined) {
      const keys = misses.get(tableName) ?? new Map<string, Row>();
      misses.set(tableName, keys.set(text, normalizeKey(state.model, key)));
      missed++;
      throw rowMiss;
    }
    return entry.row ?? undefined;
  };

  const store = createBatchStore({
    tableOf,
    read,
    write,
    queue: (statement) => sql.push(statement),
    qualified: (name) => tables.get(name)?.model.qualified,
  });

  /** Puts memory back as it was when the journal was `journal` long and `sql` statements were queued. */
  const undo = (journalAt: number, sqlAt: number) => {
    for (let at = journal.length - 1; at >= journalAt; at--) {
      const state = journal.states[at] as TableState;
      const text = journal.texts[at] as string;
      const before = journal.befores[at];
      if (before === undefined) {
        state.entries.delete(text);
        size--;
      } else state.entries.set(text, before);
    }
    journal.length = journalAt;
    if (sql.length > sqlAt) sql.length = sqlAt;
  };

  /** Applies one event, undoing it unless it is done; leaves the journal as the event found it. */
  const applyOne = ({ event, handler }: Application): Applied => {
    const journalAt = journal.length;
    const sqlAt = sql.length;
    const before = missed;
    try {
      handler.apply(event, store);
    } catch (error) {
      undo(journalAt, sqlAt);
      return error === rowMiss || missed > before ? 'miss' : { failed: error };
    }
    // A handler that caught the miss itself computed from a row it could not see.
    if (missed > before) {
      undo(journalAt, sqlAt);
      return 'miss';
    }
    return 'done';
  };

  return {
    size: () => size,
    plan: (refs, plan) => {
      let added = 0;
      for (const ref of refs) {
        const state = tableOf(ref.table);
        const text = keyText(state.model, ref.key);
        const entry = entryFor(state, text);
        // An absent row is no load, but likely a row once applied: it counts toward the bound
        // (once per ref: a key two events of a chunk name before either writes it counts twice).
        if (entry === absent) added++;
        if (entry !== undefined) continue;
        let keys = plan.get(ref.table);
        if (keys === undefined) plan.set(ref.table, (keys = new Map<string, Row>()));
        if (!keys.has(text)) {
          keys.set(text, normalizeKey(state.model, ref.key));
          added++;
        }
      }
      return added;
    },
    accept: (tableName, keys, found) => {
      const state = tableOf(tableName);
      for (const row of found) {
        const frozen = Object.freeze(row);
        const text = keyString(state.model, frozen);
        if (!state.entries.has(text))
          put(
            state,
            text,
            { key: frozen, row: frozen, persisted: 'yes', dirty: false, seq: seq++ },
            undefined,
          );
      }
      for (const [text, key] of keys)
        if (!state.entries.has(text))
          put(state, text, { key, row: null, persisted: 'no', dirty: false, seq: seq++ }, undefined);
    },
    apply: (application) => {
      // What came before this event stays done: only its own changes may be undone.
      journal.length = 0;
      const applied = applyOne(application);
      journal.length = 0;
      return applied;
    },
    probe: (later) => {
      journal.length = 0;
      const sqlAt = sql.length;
      // Each probe sees what the ones before it did, as it would when applied for real.
      for (const application of later) applyOne(application);
      undo(0, sqlAt);
      const taken = misses;
      misses = new Map();
      return taken;
    },
    changes: () => {
      const out: TableChanges[] = [];
      for (const state of tables.values()) {
        const inserts: Row[] = [];
        const upserts: Row[] = [];
        const deletes: Row[] = [];
        for (const entry of dirtyEntries(state)) {
          if (!entry.dirty) continue;
          if (entry.row !== null) (entry.persisted === 'no' ? inserts : upserts).push(entry.row);
          else if (entry.persisted !== 'no') deletes.push(entry.key);
        }
        if (inserts.length + upserts.length + deletes.length > 0)
          out.push({ table: state.model, inserts, upserts, deletes });
      }
      return { tables: out, sql };
    },
    committed: () => {
      journal.length = 0;
      for (const state of tables.values()) {
        for (const entry of dirtyEntries(state)) {
          if (!entry.dirty) continue;
          entry.persisted = entry.row === null ? 'no' : 'yes';
          entry.dirty = false;
        }
        state.dirty.clear();
        state.walkAll = false;
      }
      if (sql.length > 0) {
        // Raw SQL may have changed any row: nothing in memory can be trusted any more.
        for (const state of tables.values()) {
          forget(state);
          state.entries.clear();
        }
        sql = [];
        size = 0;
      }
    },
    evict: (keep = 0) => {
      for (const state of tables.values())
        for (const entry of dirtyEntries(state))
          if (entry.dirty)
            throw new ProjectionistError('PRJ_INTERNAL', 'evicting rows that were never flushed');
      journal.length = 0;
      // Each table keeps its share of `keep`, its most recently written rows.
      const share = size === 0 ? 0 : Math.max(0, keep) / size;
      for (const state of tables.values()) {
        let drop = state.entries.size - Math.floor(state.entries.size * share);
        if (drop <= 0) continue;
        size -= drop;
        // The `drop` entries written least recently go: those with a seq up to the drop-th
        // lowest (seqs are distinct).
        const seqs = new Float64Array(state.entries.size);
        let n = 0;
        for (const entry of state.entries.values()) seqs[n++] = entry.seq;
        const last = seqs.sort()[drop - 1] as number;
        // A complete table remembers the keys of the rows it drops (an absent row needs none);
        // past the bound it forgets, and from then on loads what it does not hold.
        for (const [text, entry] of state.entries) {
          if (entry.seq > last) continue;
          state.entries.delete(text);
          if (
            state.complete &&
            entry.row !== null &&
            state.evicted.add(text) &&
            ++evictedKeys > maxEvictedKeys
          )
            forget(state);
          if (--drop <= 0) break;
        }
      }
    },
  };
};
