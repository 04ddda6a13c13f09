import type pg from 'pg';
import { quoteIdentifier } from '../definitions/index.ts';
import type { Canary, CanaryHit } from './Canary.ts';

type ScannedColumn = { schema: string; table: string; columns: string[]; key: string[] };

/**
 * Every base, partitioned and materialized table outside PostgreSQL's own schemas, with its
 * columns that hold text (text, varchar, char, name, json, jsonb, xml, uuid, arrays, dates and
 * times) and its primary key. Views are left out: they show the tables' rows again.
 */
const scannedTables = async (pool: pg.Pool): Promise<ScannedColumn[]> => {
  const result = await pool.query<ScannedColumn>(
    `select n.nspname as schema, c.relname as "table",
            array_agg(a.attname::text order by a.attnum) as columns,
            coalesce((select array_agg(k.attname::text order by array_position(i.indkey::int2[], k.attnum))
                        from pg_index i join pg_attribute k on k.attrelid = i.indrelid and k.attnum = any(i.indkey)
                       where i.indrelid = c.oid and i.indisprimary), '{}') as key
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
       join pg_type t on t.oid = a.atttypid
      where c.relkind in ('r', 'p', 'm')
        and n.nspname not in ('pg_catalog', 'information_schema')
        and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
        and (t.typcategory in ('S', 'A', 'D') or t.typname in ('json', 'jsonb', 'xml', 'uuid'))
      group by n.nspname, c.relname, c.oid
      order by n.nspname, c.relname`,
  );
  return result.rows;
};

/**
 * Scans every text-holding column of every table of a database for the canary values, as
 * case-insensitive substrings of each value's text form. One statement a table. Stops at
 * `limit` hits (`truncated`).
 */
export const scanDatabase = async (options: {
  pool: pg.Pool;
  canaries: readonly Canary[];
  limit: number;
}): Promise<{ tables: number; columns: number; hits: CanaryHit[]; truncated: boolean }> => {
  const { pool, canaries, limit } = options;
  const tables = await scannedTables(pool);
  const values = canaries.map((c) => c.value.toLowerCase());
  const lines = canaries.map((c) => c.line);
  const byLine = new Map(canaries.map((c) => [c.line, c]));
  const hits: CanaryHit[] = [];
  for (const t of tables) {
    const left = limit + 1 - hits.length;
    if (left <= 0) break;
    const key =
      t.key.length === 0
        ? `json_build_object('ctid', r.ctid::text)`
        : `json_build_object(${t.key.map((k) => `'${k.replaceAll("'", "''")}', r.${quoteIdentifier(k)}`).join(', ')})`;
    const cells = t.columns
      .map((c) => `('${c.replaceAll("'", "''")}', lower(r.${quoteIdentifier(c)}::text))`)
      .join(', ');
    const found = await pool.query<{ key: unknown; column: string; line: number }>(
      `select ${key} as key, cell.name as "column", v.line
         from ${quoteIdentifier(t.schema)}.${quoteIdentifier(t.table)} as r
        cross join lateral (values ${cells}) as cell(name, text)
         join unnest($1::text[], $2::int[]) as v(value, line) on strpos(cell.text, v.value) > 0
        limit $3`,
      [values, lines, left],
    );
    for (const row of found.rows) {
      const canary = byLine.get(row.line);
      if (canary !== undefined)
        hits.push({
          in: 'database',
          schema: t.schema,
          table: t.table,
          column: row.column,
          key: JSON.stringify(row.key),
          canary,
        });
    }
  }
  const columns = tables.reduce((n, t) => n + t.columns.length, 0);
  return { tables: tables.length, columns, hits: hits.slice(0, limit), truncated: hits.length > limit };
};
