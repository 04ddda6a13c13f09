import { ProjectionistError } from '../errors/index.ts';
import type {
  BatchStore,
  ProjectionModel,
  Row,
  SqlParam,
  TableModel,
  TablesSpec,
} from '../definitions/index.ts';
import { keyString, normalizeKey, normalizeRow } from './rowCodec.ts';

/** Whether the table holds a row under this key: known from a load, or unknown. */
type Persisted = 'yes' | 'no' | 'unknown';
type Entry = { readonly key: Row; row: Row | null; persisted: Persisted; dirty: boolean };
type TableState = {
  readonly model: TableModel;
  readonly entries: Map<string, Entry>;
  /** Every row the table holds is in `entries`: a miss is an absent row, nothing to load. */
  complete: boolean;
  /** Rows were committed into it by this state; once evicted they are no longer known. */
  flushed: boolean;
};
/** How to undo one change to memory: the entry as it was, or undefined if it was not there. */
type Undo = {
  readonly state: TableState;
  readonly text: string;
  readonly before: Omit<Entry, 'key'> | undefined;
};

export type TableChanges = {
  readonly table: TableModel;
  /** Rows known to be new: plain inserts. */
  readonly inserts: readonly Row[];
  /** Rows that exist or may: insert ... on conflict do update. */
  readonly upserts: readonly Row[];
  /** Keys of rows that exist or may. */
  readonly deletes: readonly Row[];
};

export type QueuedSql = {
  readonly text: string;
  readonly params: readonly (string | number | boolean | null)[];
};

/** Keys to load, per table: key string -> key. */
export type LoadPlan = Map<string, Map<string, Row>>;

/** A point to undo memory back to. */
export type Mark = { readonly journal: number; readonly sql: number };

/**
 * Thrown out of a handler that read a row neither declared by its keys() nor in memory. The
 * engine undoes what the handler did, loads the row and runs the handler again.
 */
export const rowMiss: Error = Object.freeze(new Error('a handler read a row that is not loaded yet'));

export type BatchState = {
  readonly store: BatchStore<TablesSpec>;
  /** Rows held in memory, clean or not. */
  size(): number;
  /**
   * Adds the refs that memory cannot answer to `plan`; answers how many new keys it added.
   * Refs of tables known complete become absent rows at once.
   */
  plan(refs: readonly { readonly table: string; readonly key: unknown }[], plan: LoadPlan): number;
  /** Records what a load found: the rows found exist, the other planned keys do not. */
  accept(table: string, keys: ReadonlyMap<string, Row>, found: readonly Row[]): void;
  /** Where memory is now; `undo` goes back to it. Memory changes are journaled until `forget`. */
  mark(): Mark;
  undo(mark: Mark): void;
  /** Ends the journal: what was done stays done. */
  forget(): void;
  /** The keys handlers read that were not loaded (see `rowMiss`), collected since the last call. */
  takeMisses(): LoadPlan;
  /** How many such reads there have been; grows by one at each. */
  missed(): number;
  /** The final state of every row changed since the last commit, and the queued raw SQL. */
  changes(): { readonly tables: readonly TableChanges[]; readonly sql: readonly QueuedSql[] };
  /** The changes are committed: rows become clean. After raw SQL, memory is dropped. */
  committed(): void;
  /** Drops every row from memory (the cache bound); must follow a commit. */
  evict(): void;
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
}): BatchState => {
  const tables = new Map<string, TableState>();
  for (const model of options.model.tables.values())
    tables.set(model.name, {
      model,
      entries: new Map(),
      complete: options.emptyTables.has(model.name),
      flushed: false,
    });
  let sql: QueuedSql[] = [];
  let size = 0;
  let journal: Undo[] = [];
  let misses: LoadPlan = new Map();
  let missed = 0;

  const tableOf = (name: string): TableState => {
    const state = tables.get(name);
    if (state === undefined)
      throw new ProjectionistError('PRJ_HANDLER_FAILED', `"${name}" is not a table of ${options.model.name}`);
    return state;
  };
  const put = (state: TableState, text: string, entry: Entry) => {
    const before = state.entries.get(text);
    journal.push({
      state,
      text,
      before: before && { row: before.row, persisted: before.persisted, dirty: before.dirty },
    });
    if (before === undefined) size++;
    state.entries.set(text, entry);
  };
  const entryFor = (state: TableState, text: string, key: Row): Entry | undefined => {
    const entry = state.entries.get(text);
    if (entry !== undefined || !state.complete) return entry;
    const absent: Entry = { key, row: null, persisted: 'no', dirty: false };
    put(state, text, absent);
    return absent;
  };
  const write = (state: TableState, key: Row, row: Row | null) => {
    const text = keyString(state.model, key);
    const entry = state.entries.get(text);
    put(
      state,
      text,
      entry === undefined
        ? { key, row, persisted: state.complete ? 'no' : 'unknown', dirty: true }
        : { key: entry.key, row, persisted: entry.persisted, dirty: true },
    );
  };
  const read = (tableName: string, key: unknown): Row | undefined => {
    const state = tableOf(tableName);
    const normalized = normalizeKey(state.model, key);
    const text = keyString(state.model, normalized);
    const entry = entryFor(state, text, normalized);
    if (entry === undefined) {
      const keys = misses.get(tableName) ?? new Map<string, Row>();
      misses.set(tableName, keys.set(text, normalized));
      missed++;
      throw rowMiss;
    }
    return entry.row ?? undefined;
  };

  const store: BatchStore<TablesSpec> = {
    get: read,
    upsert: (tableName, row) => {
      const state = tableOf(tableName);
      const normalized = normalizeRow(state.model, row);
      write(state, normalized, normalized);
    },
    patch: (tableName, key, change) => {
      const old = read(tableName, key);
      if (old === undefined) return false;
      const state = tableOf(tableName);
      const next = normalizeRow(state.model, change(old));
      if (keyString(state.model, next) !== keyString(state.model, old))
        throw new ProjectionistError(
          'PRJ_HANDLER_FAILED',
          `${tableName}: patch must not change the primary key`,
        );
      write(state, next, next);
      return true;
    },
    delete: (tableName, key) => {
      const state = tableOf(tableName);
      write(state, normalizeKey(state.model, key), null);
    },
    sql: (text, params = []) => {
      const resolved = text.replace(
        /\{([a-z_][a-z0-9_]*)\}/g,
        (token, name: string) => tables.get(name)?.model.qualified ?? token,
      );
      sql.push({
        text: resolved,
        params: params.map((p: SqlParam) => (typeof p === 'bigint' ? p.toString() : p)),
      });
    },
  };

  return {
    store,
    size: () => size,
    plan: (refs, plan) => {
      let added = 0;
      for (const ref of refs) {
        const state = tableOf(ref.table);
        const key = normalizeKey(state.model, ref.key);
        const text = keyString(state.model, key);
        if (entryFor(state, text, key) !== undefined) continue;
        const keys = plan.get(ref.table) ?? new Map<string, Row>();
        plan.set(ref.table, keys);
        if (!keys.has(text)) {
          keys.set(text, key);
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
          put(state, text, { key: frozen, row: frozen, persisted: 'yes', dirty: false });
      }
      for (const [text, key] of keys)
        if (!state.entries.has(text)) put(state, text, { key, row: null, persisted: 'no', dirty: false });
    },
    mark: () => ({ journal: journal.length, sql: sql.length }),
    undo: (mark) => {
      while (journal.length > mark.journal) {
        const step = journal.pop() as Undo;
        const entry = step.state.entries.get(step.text);
        if (step.before === undefined) {
          step.state.entries.delete(step.text);
          size--;
        } else if (entry !== undefined) step.state.entries.set(step.text, { key: entry.key, ...step.before });
      }
      sql.length = Math.min(sql.length, mark.sql);
    },
    forget: () => {
      journal = [];
    },
    missed: () => missed,
    takeMisses: () => {
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
        for (const entry of state.entries.values()) {
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
      journal = [];
      for (const state of tables.values()) {
        for (const entry of state.entries.values()) {
          if (!entry.dirty) continue;
          if (entry.row !== null) state.flushed = true;
          entry.persisted = entry.row === null ? 'no' : 'yes';
          entry.dirty = false;
        }
      }
      if (sql.length > 0) {
        // Raw SQL may have changed any row: nothing in memory can be trusted any more.
        for (const state of tables.values()) {
          state.complete = false;
          state.entries.clear();
        }
        sql = [];
        size = 0;
      }
    },
    evict: () => {
      for (const state of tables.values())
        for (const entry of state.entries.values())
          if (entry.dirty)
            throw new ProjectionistError('PRJ_INTERNAL', 'evicting rows that were never flushed');
      journal = [];
      for (const state of tables.values()) {
        if (state.flushed) state.complete = false;
        state.entries.clear();
      }
      size = 0;
    },
  };
};
