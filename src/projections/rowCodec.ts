import { ProjectionistError } from '../errors/index.ts';
import { normalizeValue, toPgText, type ColumnValue } from './columnTypes.ts';
import type { Row, TableModel } from './projectionTypes.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const badWrite = (message: string) => new ProjectionistError('PRJ_HANDLER_FAILED', message);

/**
 * A row checked against its table and put in canonical form, with its columns in declared order.
 * Frozen: a handler that changes a row it read must write it back, not mutate it.
 */
export const normalizeRow = (table: TableModel, row: unknown): Row => {
  if (!isObject(row)) throw badWrite(`${table.name}: a row must be an object`);
  for (const name of Object.keys(row))
    if (!table.columnsByName.has(name)) throw badWrite(`${table.name}: "${name}" is not a column`);
  const out: Record<string, ColumnValue> = {};
  for (const column of table.columns) {
    const value = row[column.name];
    if (value === undefined)
      throw badWrite(`${table.name}.${column.name}: missing (write null if it has none)`);
    if (value === null) {
      if (!column.nullable) throw badWrite(`${table.name}.${column.name}: is not nullable`);
      out[column.name] = null;
      continue;
    }
    const normalized = normalizeValue(column.type, value);
    if (!normalized.ok) throw badWrite(`${table.name}.${column.name}: ${normalized.problem}`);
    out[column.name] = normalized.value;
  }
  return Object.freeze(out);
};

/** The primary key of a key object (or of a whole row), checked and in canonical form. */
export const normalizeKey = (table: TableModel, key: unknown): Row => {
  if (!isObject(key)) throw badWrite(`${table.name}: a key must be an object`);
  const out: Record<string, ColumnValue> = {};
  for (const column of table.primaryKey) {
    const value = key[column.name];
    if (value === undefined || value === null)
      throw badWrite(`${table.name}: key column ${column.name} is missing`);
    const normalized = normalizeValue(column.type, value);
    if (!normalized.ok) throw badWrite(`${table.name}: key ${column.name}: ${normalized.problem}`);
    out[column.name] = normalized.value;
  }
  return out;
};

/** The identity of a row in memory: its primary key's text, which PostgreSQL compares the same way. */
export const keyString = (table: TableModel, keyOrRow: Row): string =>
  JSON.stringify(table.primaryKey.map((c) => toPgText(c.type, keyOrRow[c.name] ?? null)));
