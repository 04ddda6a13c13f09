import type {
  ProjectionEvent,
  ProjectionHandler,
  Row,
  TableModel,
  TablesSpec,
} from '../definitions/index.ts';

// The rows of a projection version in memory while batches apply (made by createBatchState).

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

/** An event and the handler that applies it. */
export type Application = {
  readonly event: ProjectionEvent;
  readonly handler: ProjectionHandler<TablesSpec>;
};

/**
 * What applying one event did: 'done'; 'miss' when it read a row that is not in memory (see
 * `probe`); its handler's failure when it threw. Either way but 'done', nothing it did is left.
 */
export type Applied = 'done' | 'miss' | { readonly failed: unknown };

export type BatchState = {
  /** Rows held in memory, clean or not. */
  size(): number;
  /**
   * Adds the refs that memory cannot answer to `plan`; answers how many new keys it added.
   * Refs of tables known complete that memory does not hold are absent rows: nothing to load.
   */
  plan(refs: readonly { readonly table: string; readonly key: unknown }[], plan: LoadPlan): number;
  /** Records what a load found: the rows found exist, the other planned keys do not. */
  accept(table: string, keys: ReadonlyMap<string, Row>, found: readonly Row[]): void;
  /** Applies one event through the store; what it did is undone unless it is 'done'. */
  apply(application: Application): Applied;
  /**
   * After a miss: runs `later` (the events after it) only to find the rows they read that are not
   * in memory either, undoes all of it, and answers every key missed since the last probe, so one
   * load (a query per table) serves them all.
   */
  probe(later: Iterable<Application>): LoadPlan;
  /** The final state of every row changed since the last commit, and the queued raw SQL. */
  changes(): { readonly tables: readonly TableChanges[]; readonly sql: readonly QueuedSql[] };
  /** The changes are committed: rows become clean. After raw SQL, memory is dropped. */
  committed(): void;
  /**
   * Drops rows from memory (the cache bound), the least recently written first, until `keep`
   * (default 0) are left; must follow a commit.
   */
  evict(keep?: number): void;
};
