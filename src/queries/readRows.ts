import type pg from 'pg';
import { ProjectionistError } from '../errors/index.ts';
import {
  sqlTypes,
  toPgText,
  type JsonValue,
  type ProjectionDefinition,
  type Row,
  type TableModel,
  qualifiedName,
  quoteIdentifier,
} from '../definitions/index.ts';
import { decodeRow, selectList } from '../projections/index.ts';
import { parseFilterValue } from './parseFilterValue.ts';

/** A row ready for JSON: bigint columns as decimal strings. */
export type JsonRow = { readonly [column: string]: JsonValue };

export type RowsPage = {
  readonly rows: readonly JsonRow[];
  /** Pass as `after` for the next page; null on the last one. */
  readonly next: string | null;
};

/** PRJ_VALIDATION naming the query parameter at fault (path `query.<name>`), as HTTP issues do. */
const invalid = (parameter: string, problem: string) =>
  new ProjectionistError('PRJ_VALIDATION', `${parameter}: ${problem}`, {
    details: { issues: [{ path: `query.${parameter}`, message: problem }] },
  });

const encodeCursor = (table: TableModel, row: Row): string =>
  Buffer.from(JSON.stringify(table.primaryKey.map((c) => toPgText(c.type, row[c.name] ?? null)))).toString(
    'base64url',
  );

const decodeCursor = (table: TableModel, cursor: string): string[] => {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('after', 'not a cursor this table gave');
  }
  if (!Array.isArray(values) || values.length !== table.primaryKey.length)
    throw invalid('after', 'not a cursor this table gave');
  return table.primaryKey.map((c, i) => {
    const text = (values as unknown[])[i];
    // A boolean key travels in PostgreSQL's text form ('t', 'f'), as encodeCursor wrote it.
    const given = c.type === 'boolean' && (text === 't' || text === 'f') ? String(text === 't') : text;
    const parsed = typeof given === 'string' ? parseFilterValue(c.type, given) : undefined;
    if (parsed?.ok !== true) throw invalid('after', 'not a cursor this table gave');
    return toPgText(c.type, parsed.value) as string;
  });
};

const jsonRow = (row: Row): JsonRow =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]));

export type RowsQuery = {
  /** The read's table, whose columns, key and filters shape the query. */
  readonly table: TableModel;
  readonly filters?: Readonly<Record<string, string | number | boolean | null>>;
  readonly after?: string;
  /** 1 to 1,000. Default 100. */
  readonly limit?: number;
};

/**
 * The statement of one page of rows of `relation` (a table, a view or a parenthesized query that
 * answers `table`'s columns): filtered by column equality, in key order, one row past the page.
 * PRJ_VALIDATION for an unknown column or a bad value, limit or cursor.
 */
export const rowsStatement = (
  query: RowsQuery,
  relation: string,
): { text: string; params: unknown[]; limit: number } => {
  const { table } = query;
  const limit = query.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1_000)
    throw invalid('limit', 'expected a whole number from 1 to 1000');
  const params: unknown[] = [];
  const where: string[] = [];
  for (const [name, value] of Object.entries(query.filters ?? {})) {
    const column = table.columnsByName.get(name);
    if (column === undefined) throw invalid(name, `not a column of ${table.name}`);
    if (value === null) {
      where.push(`t.${quoteIdentifier(name)} is null`);
      continue;
    }
    const parsed = parseFilterValue(column.type, String(value));
    if (!parsed.ok) throw invalid(name, parsed.problem);
    params.push(toPgText(column.type, parsed.value));
    where.push(`t.${quoteIdentifier(name)} = $${params.length}::${sqlTypes[column.type]}`);
  }
  const keyColumns = table.primaryKey.map((c) => `t.${quoteIdentifier(c.name)}`).join(', ');
  if (query.after !== undefined) {
    const values = decodeCursor(table, query.after);
    const placeholders = table.primaryKey.map((c, i) => {
      params.push(values[i]);
      return `$${params.length}::${sqlTypes[c.type]}`;
    });
    where.push(`(${keyColumns}) > (${placeholders.join(', ')})`);
  }
  params.push(limit + 1);
  const text =
    `select ${selectList(table)} from ${relation} as t` +
    (where.length > 0 ? ` where ${where.join(' and ')}` : '') +
    ` order by ${keyColumns} limit $${params.length}`;
  return { text, params, limit };
};

/** The page of `rowsStatement`'s raw answer: rows decoded for JSON, and the cursor past them. */
export const rowsPage = (
  table: TableModel,
  raw: readonly Record<string, unknown>[],
  limit: number,
): RowsPage => {
  const rows = raw.map((r) => decodeRow(table, r));
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page.map(jsonRow),
    next: rows.length > limit && last !== undefined ? encodeCursor(table, last) : null,
  };
};

/**
 * One page of a projection table's rows, read through its stable view (the active version),
 * filtered by column equality and ordered by primary key; `after` continues from a page's
 * `next` cursor (keyset pagination: no offset scans). Every identifier is checked against the
 * definition: an unknown table is PRJ_NOT_FOUND, an unknown column or a bad value, limit or
 * cursor is PRJ_VALIDATION. A projection with no active version is PRJ_NOT_FOUND.
 */
export const readRows = async (options: {
  /** A pool, or a client in a transaction (a read at a position token). */
  pool: pg.Pool | pg.PoolClient;
  definition: ProjectionDefinition;
  table: string;
  filters?: Readonly<Record<string, string | number | boolean | null>>;
  after?: string;
  /** 1 to 1,000. Default 100. */
  limit?: number;
}): Promise<RowsPage> => {
  const { pool, definition } = options;
  const table = definition.model.tables.get(options.table);
  if (table === undefined)
    throw new ProjectionistError('PRJ_NOT_FOUND', `${definition.name} has no table ${options.table}`);
  const { text, params, limit } = rowsStatement(
    {
      table,
      ...(options.filters === undefined ? {} : { filters: options.filters }),
      ...(options.after === undefined ? {} : { after: options.after }),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    },
    qualifiedName(definition.model.stableSchema, table.name),
  );
  let result;
  try {
    result = await pool.query<Record<string, unknown>>(text, params);
  } catch (error) {
    // 42P01: undefined_table, the view does not exist (no version is active, or it lacks this table).
    if ((error as { code?: unknown }).code === '42P01')
      throw new ProjectionistError(
        'PRJ_NOT_FOUND',
        `${definition.name}.${table.name} is not being served (no active version has it)`,
      );
    throw error;
  }
  return rowsPage(table, result.rows, limit);
};
