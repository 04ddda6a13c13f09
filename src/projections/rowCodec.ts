import { ProjectionistError } from '../errors/index.ts';
import {
  normalizeValue,
  toPgText,
  type ColumnType,
  type ColumnValue,
  type Row,
  type TableModel,
} from '../definitions/index.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const badWrite = (message: string) => new ProjectionistError('PRJ_HANDLER_FAILED', message);

/** Canonical ISO-8601 timestamps seen lately: rewriting a row it read costs a handler no reparse. */
const canonicalTimes = new Set<string>();
const int8Min = -(2n ** 63n);
const int8Max = 2n ** 63n - 1n;
const timePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The canonical form of a non-null value, or undefined when it does not fit (normalizeValue then
 * says why). The common kinds are checked in place, without the allocation of a Normalized.
 */
const canonical = (type: ColumnType, value: unknown): ColumnValue | undefined => {
  switch (type) {
    case 'text':
      return typeof value === 'string' ? value : undefined;
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31
        ? value
        : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'bigint':
      return typeof value === 'bigint' && value >= int8Min && value <= int8Max ? value : undefined;
    case 'timestamptz':
      if (typeof value === 'string' && canonicalTimes.has(value)) return value;
      break;
    default:
      break;
  }
  const normalized = normalizeValue(type, value);
  if (!normalized.ok) return undefined;
  if (type === 'timestamptz' && typeof normalized.value === 'string' && timePattern.test(normalized.value)) {
    // Bounded: memory does not grow with the log.
    if (canonicalTimes.size >= 10_000) canonicalTimes.clear();
    canonicalTimes.add(normalized.value);
  }
  return normalized.value;
};

/**
 * A row checked against its table and put in canonical form, with its columns in declared order.
 * Frozen: a handler that changes a row it read must write it back, not mutate it.
 */
export const normalizeRow = (table: TableModel, row: unknown): Row => {
  if (!isObject(row)) throw badWrite(`${table.name}: a row must be an object`);
  // Own enumerable names, as Object.keys has them, without making the array.
  for (const name in row)
    if (Object.hasOwn(row, name) && !table.columnsByName.has(name))
      throw badWrite(`${table.name}: "${name}" is not a column`);
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
    const fitted = canonical(column.type, value);
    if (fitted === undefined) {
      const normalized = normalizeValue(column.type, value);
      throw badWrite(`${table.name}.${column.name}: ${normalized.ok ? 'invalid' : normalized.problem}`);
    }
    out[column.name] = fitted;
  }
  return Object.freeze(out);
};

/** A key column's value from a key object, checked and in canonical form. */
const keyValue = (table: TableModel, column: TableModel['primaryKey'][number], key: object): ColumnValue => {
  const value = (key as Record<string, unknown>)[column.name];
  if (value === undefined || value === null)
    throw badWrite(`${table.name}: key column ${column.name} is missing`);
  const fitted = canonical(column.type, value);
  if (fitted === undefined) {
    const normalized = normalizeValue(column.type, value);
    throw badWrite(`${table.name}: key ${column.name}: ${normalized.ok ? 'invalid' : normalized.problem}`);
  }
  return fitted;
};

/** The primary key of a key object (or of a whole row), checked and in canonical form. */
export const normalizeKey = (table: TableModel, key: unknown): Row => {
  if (!isObject(key)) throw badWrite(`${table.name}: a key must be an object`);
  const out: Record<string, ColumnValue> = {};
  for (const column of table.primaryKey) out[column.name] = keyValue(table, column, key);
  return out;
};

/**
 * keyString of normalizeKey(table, key), checked the same way, without making the key object:
 * the batch state asks it of every key a handler names, and needs the object only to load one.
 */
export const keyText = (table: TableModel, key: unknown): string => {
  if (!isObject(key)) throw badWrite(`${table.name}: a key must be an object`);
  const columns = table.primaryKey;
  if (columns.length === 1) {
    const only = columns[0] as TableModel['primaryKey'][number];
    return keyPart(only.type, keyValue(table, only, key)) ?? '-';
  }
  let text = '';
  for (const column of columns) {
    const part = keyPart(column.type, keyValue(table, column, key));
    text += part === null ? '-' : `${part.length}:${part}`;
  }
  return text;
};

/** One key column's value as text, for keyString: canonical values of one type are equal iff their texts are. */
const keyPart = (type: ColumnType, value: ColumnValue | undefined): string | null =>
  typeof value === 'string' ? value : toPgText(type, value ?? null);

/**
 * The identity of a row in memory: its primary key's values as text (canonical values, so equal
 * keys give equal texts). One column: its text alone. Several: each text after its length
 * (`5:alice3:EUR`), so no two keys share a text whatever their values hold; a null (which a
 * valid key never has) is `-`. Only the batch state compares these: they never reach PostgreSQL.
 */
export const keyString = (table: TableModel, keyOrRow: Row): string => {
  const columns = table.primaryKey;
  if (columns.length === 1) {
    const only = columns[0] as TableModel['primaryKey'][number];
    return keyPart(only.type, keyOrRow[only.name]) ?? '-';
  }
  let text = '';
  for (const column of columns) {
    const part = keyPart(column.type, keyOrRow[column.name]);
    text += part === null ? '-' : `${part.length}:${part}`;
  }
  return text;
};
