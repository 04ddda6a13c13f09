import { createHash } from 'node:crypto';
import type pg from 'pg';
import { runStatement, type Statement } from '../db/index.ts';
import {
  sqlTypes,
  type ProjectionDefinition,
  type TableModel,
  type TablesSpec,
  quoteIdentifier,
} from '../definitions/index.ts';

type Db = pg.Pool | pg.PoolClient;

const tableDdl = (table: TableModel): string => {
  const columns = table.columns.map(
    (c) => `${quoteIdentifier(c.name)} ${sqlTypes[c.type]}${c.nullable ? '' : ' not null'}`,
  );
  const key = table.primaryKey.map((c) => quoteIdentifier(c.name)).join(', ');
  return `create table if not exists ${table.qualified} (${columns.join(', ')}, primary key (${key}))`;
};

/** `<table>_<columns>_idx`, shortened with a hash when it would pass PostgreSQL's 63 bytes. */
export const indexName = (table: string, columns: readonly string[]): string => {
  const plain = `${table}_${columns.join('_')}_idx`;
  if (plain.length <= 63) return plain;
  const hash = createHash('sha256').update(plain).digest('hex').slice(0, 10);
  return `${plain.slice(0, 48)}_${hash}_idx`;
};

/** The version's schema and its tables with their primary keys only, when missing: what a build creates first. */
export const tableStatements = (definition: ProjectionDefinition<TablesSpec>): Statement[] => [
  { text: `create schema if not exists ${quoteIdentifier(definition.model.schema)}`, values: [] },
  ...[...definition.model.tables.values()].map((table) => ({ text: tableDdl(table), values: [] })),
];

/** The version's secondary indexes, when missing: what a build creates once its replay is done. */
export const indexStatements = (definition: ProjectionDefinition<TablesSpec>): Statement[] =>
  [...definition.model.tables.values()].flatMap((table) =>
    table.indexes.map((columns) => ({
      text: `create index if not exists ${quoteIdentifier(indexName(table.name, columns))} on ${table.qualified} (${columns.map(quoteIdentifier).join(', ')})`,
      values: [],
    })),
  );

/** Fresh statistics on the version's tables, after a build. */
export const analyzeStatements = (definition: ProjectionDefinition<TablesSpec>): Statement[] =>
  [...definition.model.tables.values()].map((table) => ({ text: `analyze ${table.qualified}`, values: [] }));

const runAll = async (db: Db, statements: readonly Statement[]) => {
  for (const statement of statements) await runStatement(db, statement);
};

/**
 * Creates the version's schema and its tables with their primary keys only, when missing. A
 * replay fills them bare; `createIndexes` adds the secondary indexes afterwards, which is
 * faster than maintaining them row by row.
 */
export const createTables = (options: {
  db: Db;
  definition: ProjectionDefinition<TablesSpec>;
}): Promise<void> => runAll(options.db, tableStatements(options.definition));

/** Creates the version's secondary indexes, when missing. */
export const createIndexes = (options: {
  db: Db;
  definition: ProjectionDefinition<TablesSpec>;
}): Promise<void> => runAll(options.db, indexStatements(options.definition));

/** The version's tables that hold no row. */
export const emptyTables = async (options: {
  db: Db;
  definition: ProjectionDefinition<TablesSpec>;
}): Promise<Set<string>> => {
  const empty = new Set<string>();
  for (const table of options.definition.model.tables.values()) {
    const result = await options.db.query(`select 1 from ${table.qualified} limit 1`);
    if (result.rowCount === 0) empty.add(table.name);
  }
  return empty;
};

/** Gathers fresh statistics on the version's tables: after a build the planner has seen them empty, if at all. */
export const analyzeTables = (options: {
  db: Db;
  definition: ProjectionDefinition<TablesSpec>;
}): Promise<void> => runAll(options.db, analyzeStatements(options.definition));
