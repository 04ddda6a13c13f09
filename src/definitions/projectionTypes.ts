import type { Position } from '../log/index.ts';
import type { ColumnType, ColumnValue, ColumnValues } from './columnTypes.ts';

/** A column: its type, NOT NULL unless `nullable: true`. */
export type ColumnSpec = ColumnType | { readonly type: ColumnType; readonly nullable?: boolean };

export type TableSpec = {
  readonly columns: { readonly [column: string]: ColumnSpec };
  /** Columns of the primary key, in order. Every row is addressed by it. */
  readonly primaryKey: readonly string[];
  /** Secondary indexes, each a list of columns. Built after a replay, before serving reads. */
  readonly indexes?: readonly (readonly string[])[];
};

export type TablesSpec = { readonly [table: string]: TableSpec };

type ValueOfSpec<S> = S extends ColumnType
  ? ColumnValues[S]
  : S extends { readonly type: infer T extends ColumnType; readonly nullable: true }
    ? ColumnValues[T] | null
    : S extends { readonly type: infer T extends ColumnType }
      ? ColumnValues[T]
      : never;

/** A row of a table, typed from its column spec. */
export type RowOf<T extends TableSpec> = { readonly [C in keyof T['columns']]: ValueOfSpec<T['columns'][C]> };

/** The primary key of a table's row. */
export type KeyOf<T extends TableSpec> = {
  readonly [C in T['primaryKey'][number] & keyof T['columns']]: ValueOfSpec<T['columns'][C]>;
};

/** A row an event's handler may read: declared up front so a batch loads all of them at once. */
export type RowRef<Tables extends TablesSpec> = {
  [K in keyof Tables & string]: { readonly table: K; readonly key: KeyOf<Tables[K]> };
}[keyof Tables & string];

export type SqlParam = string | number | bigint | boolean | null;

/**
 * What a handler writes through. Reads and writes are synchronous over the batch in memory;
 * the engine loads the declared rows before, and flushes the final state of every row after.
 */
export type BatchStore<Tables extends TablesSpec> = {
  /**
   * The row, or undefined. Rows declared by `keys` are loaded with the batch; reading another
   * costs an extra load round (the handler is undone, the row loaded, the handler run again).
   */
  get<K extends keyof Tables & string>(table: K, key: KeyOf<Tables[K]>): RowOf<Tables[K]> | undefined;
  /** Inserts or replaces the whole row (every column). */
  upsert<K extends keyof Tables & string>(table: K, row: RowOf<Tables[K]>): void;
  /** Replaces an existing row with `change(row)`; does nothing when there is none. Answers whether it did. */
  patch<K extends keyof Tables & string>(
    table: K,
    key: KeyOf<Tables[K]>,
    change: (row: RowOf<Tables[K]>) => RowOf<Tables[K]>,
  ): boolean;
  delete<K extends keyof Tables & string>(table: K, key: KeyOf<Tables[K]>): void;
  /**
   * The escape hatch: a statement run in the flush transaction after the batch's set-based
   * writes, in the order queued. `{table}` names this version's table. Slower: it also empties
   * the row cache, since the engine cannot know which rows it changed.
   */
  sql(text: string, params?: readonly SqlParam[]): void;
};

/** An event as a handler sees it: upcast to the newest shape of its type. */
export type ProjectionEvent<Data = unknown> = {
  readonly type: string;
  readonly data: Data;
  readonly eventId: string;
  readonly streamId: string;
  /** ISO-8601 time the event was made. */
  readonly time: string;
  readonly causationId: string | null;
  readonly correlationId: string | null;
  /** Where it sits in the log. */
  readonly position: Position;
  /** The schema version it was written in, before upcasting. */
  readonly writtenVersion: number;
};

/**
 * One event type's handler. Declared as methods so that a handler may name the exact shape of
 * its event: `apply: (e: ProjectionEvent<CustomerRegistered>, store) => ...`.
 */
export type ProjectionHandler<Tables extends TablesSpec, Data = unknown> = {
  /**
   * Every row `apply` reads, so that a batch loads them all with one query per table. Rows it
   * only writes need not be listed. A row whose key depends on another row (an order's
   * customer) cannot be named here; reading it still works, one load round later.
   */
  keys(event: ProjectionEvent<Data>): readonly RowRef<Tables>[];
  /**
   * Synchronous and pure: no I/O, no awaits, no state outside the store, since it may run more
   * than once for one event (after a late load). Throwing parks the event (see `onPoison`).
   */
  apply(event: ProjectionEvent<Data>, store: BatchStore<Tables>): void;
};

/**
 * What must hold before a version may take over reads (run by the cutover). Counts and sums are
 * compared with the version being replaced; `no-rows` is an invariant over this version alone.
 */
export type ProjectionCheck<Tables extends TablesSpec> =
  | {
      readonly kind: 'same-count';
      readonly name: string;
      readonly table: keyof Tables & string;
      /** The old version's table, when it is named differently. */
      readonly previousTable?: string;
    }
  | {
      readonly kind: 'same-sum';
      readonly name: string;
      readonly table: keyof Tables & string;
      readonly column: string;
      readonly previous?: { readonly table: string; readonly column: string };
    }
  | {
      readonly kind: 'no-rows';
      readonly name: string;
      /** A query that must answer no rows; `{table}` names this version's tables. */
      readonly sql: string;
    }
  | SameRowsCheck<Tables>;

/**
 * Where the rows of one side of a `same-rows` check come from: a table of that version (all its
 * rows), or a query over its tables (`{table}` names them) that answers the key and compared
 * columns, for a shape that changed (a split name joined again, a moved column joined back).
 */
export type RowSource = { readonly table: string } | { readonly sql: string };

type SameRowsFields = {
  readonly kind: 'same-rows';
  readonly name: string;
  /** The active version's side: its table of the same name (the default), another, or a query. */
  readonly against?: RowSource;
};

/**
 * Content verification: the rows of this version must equal the active version's, compared by
 * key over `columns` (the key's included or not), with a checksum per key range and the first
 * differing keys shown. Either side may be a table or a query (a mapping of the other's shape).
 */
export type SameRowsCheck<Tables extends TablesSpec> =
  | {
      [T in keyof Tables & string]: SameRowsFields & {
        /** This version's table. */
        readonly table: T;
        /** The columns rows are matched by. Default: the table's primary key. */
        readonly key?: readonly (keyof Tables[T]['columns'] & string)[];
        /** The columns that must be equal. */
        readonly columns: readonly (keyof Tables[T]['columns'] & string)[];
      };
    }[keyof Tables & string]
  | (SameRowsFields & {
      /** This version's side as a query over its tables (`{table}`), answering `key` and `columns`. */
      readonly sql: string;
      readonly key: readonly string[];
      readonly columns: readonly string[];
    });

/**
 * What a version does with an event it cannot take (its handler throws, or PostgreSQL refuses a
 * row it produced): `park` it and move on, reporting `degraded` with the parked count (the
 * default), or park it and `stop`, reporting `failed` with the reason. Either way later events
 * of its stream queue behind it. Data newer than the code waits per stream under both.
 */
export type PoisonPolicy = 'park' | 'stop';

export type ProjectionInput<Tables extends TablesSpec> = {
  /** Lower-case letters, digits, "_" and "-"; its schema uses "_" for "-". */
  readonly name: string;
  /** 1, 2, ... A new version is built beside the old one. */
  readonly version: number;
  readonly description?: string;
  readonly tables: Tables;
  /** One handler per event type read, keyed by type. */
  readonly handlers: { readonly [eventType: string]: ProjectionHandler<Tables> };
  readonly checks?: readonly ProjectionCheck<Tables>[];
  /** Default 'park'. Changing it changes no row: it is not part of the definition hash. */
  readonly onPoison?: PoisonPolicy;
  /**
   * How this version answers a read of the active version's table when its shape changed: per
   * table of the version it replaces, a query over this version's tables (`{table}` names them)
   * answering that table's columns. Shadow reads compare through it; a table of the same name
   * with all the columns needs none. Changes no row: not part of the definition hash.
   */
  readonly readAs?: { readonly [previousTable: string]: string };
};

export type ColumnModel = { readonly name: string; readonly type: ColumnType; readonly nullable: boolean };

/** A table as the engine works with it: normalized, ordered, with its quoted names. */
export type TableModel = {
  readonly name: string;
  readonly columns: readonly ColumnModel[];
  readonly columnsByName: ReadonlyMap<string, ColumnModel>;
  readonly primaryKey: readonly ColumnModel[];
  readonly indexes: readonly (readonly string[])[];
  /** `"<schema>"."<table>"` of this version. */
  readonly qualified: string;
};

export type ProjectionModel = {
  readonly name: string;
  readonly version: number;
  /** `<name>__v<N>`: where this version's tables live. */
  readonly schema: string;
  /** `<name>`: where the stable views live. */
  readonly stableSchema: string;
  readonly tables: ReadonlyMap<string, TableModel>;
};

/** A validated projection version. */
export type ProjectionDefinition<Tables extends TablesSpec = TablesSpec> = ProjectionInput<Tables> & {
  readonly kind: 'projection';
  readonly checks: readonly ProjectionCheck<Tables>[];
  /** sha256 of the tables, the handlers' source text and the version. */
  readonly hash: string;
  readonly model: ProjectionModel;
};

/** A row as the engine handles it, whatever its table. */
export type Row = { readonly [column: string]: ColumnValue };

/** Which projection version: what every lifecycle event and registry row is about. */
export type VersionRef = { readonly name: string; readonly version: number };
