import type pg from 'pg';
import type { ProjectionDefinition } from '../../../src/definitions/index.ts';
import { quoteIdentifier } from '../../../src/definitions/index.ts';

/** One table's content: its row count and the md5 of every row's text in primary-key order. */
export type TableChecksum = { readonly table: string; readonly rows: number; readonly md5: string };

/**
 * The checksum of every table of the projection: equal checksums mean equal tables, column by
 * column (a row's text is PostgreSQL's, so every system is compared in one form).
 */
export const tableChecksums = async (
  db: pg.Pool | pg.PoolClient,
  definition: ProjectionDefinition,
): Promise<TableChecksum[]> => {
  const out: TableChecksum[] = [];
  for (const table of definition.model.tables.values()) {
    const order = table.primaryKey.map((c) => `t.${quoteIdentifier(c.name)}`).join(', ');
    const { rows } = await db.query<{ rows: string; md5: string | null }>(
      `select count(*)::text as rows, md5(string_agg(t::text, E'\\n' order by ${order})) as md5
       from ${table.qualified} t`,
    );
    out.push({ table: table.name, rows: Number(rows[0]?.rows ?? 0), md5: rows[0]?.md5 ?? '(empty)' });
  }
  return out;
};

/** Checksums as one comparable string. */
export const checksumKey = (sums: readonly TableChecksum[]): string =>
  sums.map((s) => `${s.table}:${s.rows}:${s.md5}`).join(' ');
