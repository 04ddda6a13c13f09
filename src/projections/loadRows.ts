import type pg from 'pg';
import {
  decodeSelected,
  selectExpression,
  sqlTypes,
  toPgText,
  type ColumnValue,
  type Row,
  type TableModel,
  quoteIdentifier,
} from '../definitions/index.ts';

/** The select list that reads a table's rows back in canonical form. */
export const selectList = (table: TableModel, alias = 't'): string =>
  table.columns
    .map(
      (c) =>
        `${selectExpression(c.type, `${alias}.${quoteIdentifier(c.name)}`)} as ${quoteIdentifier(c.name)}`,
    )
    .join(', ');

export const decodeRow = (table: TableModel, raw: Record<string, unknown>): Row => {
  const row: Record<string, ColumnValue> = {};
  for (const c of table.columns) row[c.name] = decodeSelected(c.type, raw[c.name]);
  return row;
};

/** One text[] parameter per key column, for unnest(). */
export const keyArrays = (table: TableModel, keys: readonly Row[]): (string | null)[][] =>
  table.primaryKey.map((c) => keys.map((k) => toPgText(c.type, k[c.name] ?? null)));

/** `unnest($1::text[], $2::bigint[]) as k("a", "b")` over the key columns, parameters from `first`. */
export const unnestKeys = (table: TableModel, first: number, alias = 'k'): string => {
  const arrays = table.primaryKey.map((c, i) => `$${first + i}::${sqlTypes[c.type]}[]`).join(', ');
  return `unnest(${arrays}) as ${alias}(${table.primaryKey.map((c) => quoteIdentifier(c.name)).join(', ')})`;
};

export const keyJoin = (table: TableModel, left: string, right: string): string =>
  table.primaryKey
    .map((c) => `${left}.${quoteIdentifier(c.name)} = ${right}.${quoteIdentifier(c.name)}`)
    .join(' and ');

/**
 * Loads the rows under `keys` in one statement (an index join against the unnested keys), in
 * canonical form. Rows that do not exist are simply not answered.
 */
export const loadRows = async (options: {
  db: pg.Pool | pg.PoolClient;
  table: TableModel;
  keys: readonly Row[];
}): Promise<Row[]> => {
  const { db, table, keys } = options;
  if (keys.length === 0) return [];
  const result = await db.query<Record<string, unknown>>(
    `select ${selectList(table)} from ${table.qualified} as t join ${unnestKeys(table, 1)} on ${keyJoin(table, 't', 'k')}`,
    keyArrays(table, keys),
  );
  return result.rows.map((raw) => decodeRow(table, raw));
};
