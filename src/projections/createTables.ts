import { createHash } from 'node:crypto';
import type pg from 'pg';
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

/**
 * Creates the version's schema and its tables with their primary keys only, when missing. A
 * replay fills them bare; `createIndexes` adds the secondary indexes afterwards, which is
 * faster than maintaining them row by row.
 */
export const createTables = async (options: {
  db: Db;
  definition: ProjectionDefinition<TablesSpec>;
}): Promise<void> => {
  const { db, definition } = options;
  await db.query(`create schema if not exists ${quoteIdentifier(definition.model.schema)}`);
  for (const table of definition.model.tables.values()) await db.query(tableDdl(table));
};

/** Creates the version's secondary indexes, when missing. */
export const createIndexes = async (options: {
  db: Db;
  definition: ProjectionDefinition<TablesSpec>;
}): Promise<void> => {
  for (const table of options.definition.model.tables.values()) {
    for (const columns of table.indexes) {
      const list = columns.map(quoteIdentifier).join(', ');
      await options.db.query(
        `create index if not exists ${quoteIdentifier(indexName(table.name, columns))} on ${table.qualified} (${list})`,
      );
    }
  }
};

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
export const analyzeTables = async (options: {
  db: Db;
  definition: ProjectionDefinition<TablesSpec>;
}): Promise<void> => {
  for (const table of options.definition.model.tables.values())
    await options.db.query(`analyze ${table.qualified}`);
};
