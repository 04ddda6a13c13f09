import type pg from 'pg';
import type { Statement } from '../db/index.ts';
import { sqlTypes, toPgText, type Row, type TableModel, quoteIdentifier } from '../definitions/index.ts';
import { copyRows } from './copyRows.ts';
import type { TableChanges } from './BatchState.ts';
import { keyArrays, keyJoin, unnestKeys } from './loadRows.ts';

export type WriteCounts = { inserted: number; upserted: number; deleted: number };

const columnList = (table: TableModel) => table.columns.map((c) => quoteIdentifier(c.name)).join(', ');

const unnestRows = (table: TableModel) =>
  `select * from unnest(${table.columns.map((c, i) => `$${i + 1}::${sqlTypes[c.type]}[]`).join(', ')})`;

const rowArrays = (table: TableModel, rows: readonly Row[]) =>
  table.columns.map((c) => rows.map((r) => toPgText(c.type, r[c.name] ?? null)));

const onConflict = (table: TableModel) => {
  const keys = table.primaryKey.map((c) => quoteIdentifier(c.name)).join(', ');
  const rest = table.columns.filter((c) => !table.primaryKey.includes(c));
  if (rest.length === 0) return `on conflict (${keys}) do nothing`;
  const set = rest.map((c) => `${quoteIdentifier(c.name)} = excluded.${quoteIdentifier(c.name)}`).join(', ');
  return `on conflict (${keys}) do update set ${set}`;
};

const deleteStatement = (table: TableModel, deletes: readonly Row[]): Statement => ({
  text: `delete from ${table.qualified} as t using ${unnestKeys(table, 1)} where ${keyJoin(table, 't', 'k')}`,
  values: keyArrays(table, deletes),
});

const insertStatement = (table: TableModel, rows: readonly Row[], upsert: boolean): Statement => ({
  text: `insert into ${table.qualified} (${columnList(table)}) ${unnestRows(table)}${upsert ? ` ${onConflict(table)}` : ''}`,
  values: rowArrays(table, rows),
});

/**
 * One table's coalesced changes as statements (a delete, an insert, an upsert: those it needs),
 * when none reaches `copyThreshold` rows; undefined when one does (it goes through COPY:
 * writeChanges). Each key appears once across the three lists, so no statement touches a row twice.
 */
export const changeStatements = (changes: TableChanges, copyThreshold: number): Statement[] | undefined => {
  const { table, inserts, upserts, deletes } = changes;
  if (inserts.length >= copyThreshold || upserts.length >= copyThreshold) return undefined;
  return [
    ...(deletes.length > 0 ? [deleteStatement(table, deletes)] : []),
    ...(inserts.length > 0 ? [insertStatement(table, inserts, false)] : []),
    ...(upserts.length > 0 ? [insertStatement(table, upserts, true)] : []),
  ];
};

/**
 * Writes one table's coalesced changes with set-based statements inside the caller's
 * transaction. Each key appears once across the three lists, so no statement touches a row twice.
 * At `copyThreshold` rows and above, rows go through COPY (new rows straight into the table,
 * others into a temporary table, then one insert ... on conflict); below it one unnest()
 * statement each, which saves the COPY round trips on small live batches.
 */
export const writeChanges = async (options: {
  client: pg.PoolClient;
  changes: TableChanges;
  copyThreshold: number;
  stageName: string;
}): Promise<WriteCounts> => {
  const { client, copyThreshold, stageName } = options;
  const { table, inserts, upserts, deletes } = options.changes;
  const columns = columnList(table);
  let deleted = 0;
  const run = (statement: Statement) => client.query(statement.text, [...statement.values]);
  if (deletes.length > 0) deleted = (await run(deleteStatement(table, deletes))).rowCount ?? 0;
  if (inserts.length >= copyThreshold) {
    await copyRows({ client, table, target: table.qualified, rows: inserts });
  } else if (inserts.length > 0) {
    await run(insertStatement(table, inserts, false));
  }
  if (upserts.length >= copyThreshold) {
    const stage = quoteIdentifier(stageName);
    await client.query(`create temporary table ${stage} (like ${table.qualified}) on commit drop`);
    await copyRows({ client, table, target: stage, rows: upserts });
    await client.query(
      `insert into ${table.qualified} (${columns}) select ${columns} from ${stage} ${onConflict(table)}`,
    );
  } else if (upserts.length > 0) {
    await run(insertStatement(table, upserts, true));
  }
  return { inserted: inserts.length, upserted: upserts.length, deleted };
};
