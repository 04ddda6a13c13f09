import { ProjectionistError } from '../errors/index.ts';
import type { BatchStore, Row, SqlParam, TableModel, TablesSpec } from '../definitions/index.ts';
import type { QueuedSql } from './BatchState.ts';
import { keyString, normalizeKey, normalizeRow } from './rowCodec.ts';

/**
 * Thrown out of a handler that read a row neither declared by its keys() nor in memory. The
 * engine undoes what the handler did, loads the row and runs the handler again.
 */
export const rowMiss: Error = Object.freeze(new Error('a handler read a row that is not loaded yet'));

/** Whether two canonical rows have the same primary key (equal values; keyString when not primitive). */
const sameKey = (model: TableModel, a: Row, b: Row): boolean => {
  for (const column of model.primaryKey)
    if (a[column.name] !== b[column.name]) return keyString(model, a) === keyString(model, b);
  return true;
};

/**
 * The store handlers write through (get, upsert, patch, delete, raw sql), over the rows of the
 * batch state (createBatchState), which journals every change so that it can be undone.
 * Rows and keys are normalized to their columns' types; a patch may not change the key.
 */
export const createBatchStore = <Table extends { readonly model: TableModel }>(memory: {
  /** The table of that name; PRJ_HANDLER_FAILED when the version has none. */
  tableOf(name: string): Table;
  /** The row in memory, undefined when known absent; throws rowMiss when memory does not know. */
  read(table: string, key: unknown): Row | undefined;
  /** Sets the row under `key` (null: deleted). */
  write(table: Table, key: Row, row: Row | null): void;
  queue(statement: QueuedSql): void;
  qualified(table: string): string | undefined;
}): BatchStore<TablesSpec> => ({
  get: memory.read,
  upsert: (tableName, row) => {
    const table = memory.tableOf(tableName);
    const normalized = normalizeRow(table.model, row);
    memory.write(table, normalized, normalized);
  },
  patch: (tableName, key, change) => {
    const old = memory.read(tableName, key);
    if (old === undefined) return false;
    const table = memory.tableOf(tableName);
    const next = normalizeRow(table.model, change(old));
    if (!sameKey(table.model, next, old))
      throw new ProjectionistError(
        'PRJ_HANDLER_FAILED',
        `${tableName}: patch must not change the primary key`,
      );
    memory.write(table, next, next);
    return true;
  },
  delete: (tableName, key) => {
    const table = memory.tableOf(tableName);
    memory.write(table, normalizeKey(table.model, key), null);
  },
  sql: (text, params = []) => {
    const resolved = text.replace(
      /\{([a-z_][a-z0-9_]*)\}/g,
      (token, name: string) => memory.qualified(name) ?? token,
    );
    memory.queue({
      text: resolved,
      params: params.map((p: SqlParam) => (typeof p === 'bigint' ? p.toString() : p)),
    });
  },
});
