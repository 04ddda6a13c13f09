import type pg from 'pg';
import { engineDefaults } from '../config/index.ts';
import {
  fillTables,
  qualifiedName,
  quoteIdentifier,
  versionSchemaName,
  type ProjectionDefinition,
  type SameRowsCheck,
  type TablesSpec,
} from '../definitions/index.ts';
import type { ContentComparison, DifferingKey } from '../registry/index.ts';

/** One side of the comparison as a relation: `(select ...)` or a qualified table. */
const relationOf = (source: { table: string } | { sql: string }, schema: string): string =>
  'sql' in source ? `(${fillTables(source.sql, schema)})` : qualifiedName(schema, source.table);

const rowOf = (alias: string, columns: readonly string[]): string =>
  `row(${columns.map((c) => `${alias}.${quoteIdentifier(c)}`).join(', ')})::text`;

/**
 * Per row: its key columns, its range (the key's hash over `ranges` buckets) and a 60-bit piece
 * of the md5 of its compared columns; summed per range, equal contents give equal sums whatever
 * the order the rows are read in.
 */
const hashed = (relation: string, key: readonly string[], columns: readonly string[], ranges: number) =>
  `select ${key.map((k) => `s.${quoteIdentifier(k)}`).join(', ')},
          (hashtext(${rowOf('s', key)}) & 2147483647) % ${ranges} as range,
          md5(${rowOf('s', columns)}) as digest
     from ${relation} as s`;

/**
 * Compares a same-rows check's two sides in the caller's snapshot, all in PostgreSQL: first the
 * count and checksum of every key range of both, then, in the ranges that differ only, the rows
 * by key, answering the first differing keys in key order. No row comes into node but those.
 * `against` is the active version; this side's `{table}` names this version's tables, the
 * active side's the active version's.
 */
export const compareRows = async (options: {
  client: pg.PoolClient;
  definition: ProjectionDefinition;
  check: SameRowsCheck<TablesSpec>;
  against: number;
}): Promise<{ expected: string; actual: string; content: ContentComparison }> => {
  const { client, definition, check, against } = options;
  const ranges = engineDefaults.verification.keyRanges;
  const here = 'sql' in check ? { sql: check.sql } : { table: check.table };
  const key =
    check.key ??
    ('table' in check ? (definition.model.tables.get(check.table)?.primaryKey.map((c) => c.name) ?? []) : []);
  const columns = [...key, ...check.columns.filter((c) => !key.includes(c))];
  const ours = relationOf(here, definition.model.schema);
  const theirs = relationOf(
    check.against ?? { table: 'table' in check ? check.table : '' },
    versionSchemaName(definition.name, against),
  );
  const sums = (relation: string) =>
    `select range, count(*) as n, sum(('x' || left(digest, 15))::bit(60)::bigint) as total
       from (${hashed(relation, key, columns, ranges)}) as h group by range`;
  const byRange = await client.query<{
    range: number;
    ours: string | null;
    theirs: string | null;
    differs: boolean;
  }>(
    `select coalesce(o.range, t.range) as range, o.n::text as ours, t.n::text as theirs,
            (o.n is distinct from t.n or o.total is distinct from t.total) as differs
       from (${sums(ours)}) as o full join (${sums(theirs)}) as t on o.range = t.range`,
  );
  const count = (side: 'ours' | 'theirs') =>
    byRange.rows.reduce((n, r) => n + BigInt(r[side] ?? '0'), 0n).toString();
  const differing = byRange.rows.filter((r) => r.differs).map((r) => r.range);
  let firstKeys: DifferingKey[] = [];
  let differingRows = 0;
  if (differing.length > 0) {
    const pick = (relation: string) =>
      `select * from (${hashed(relation, key, columns, ranges)}) as h where range = any($1::int[])`;
    const joined = key.map((k) => `o.${quoteIdentifier(k)} = t.${quoteIdentifier(k)}`).join(' and ');
    const keyOf = key.map((k) => `'${k}', coalesce(o.${quoteIdentifier(k)}, t.${quoteIdentifier(k)})::text`);
    const result = await client.query<{
      key: Record<string, string | null>;
      side: DifferingKey['side'];
      total: string;
    }>(
      `select json_build_object(${keyOf.join(', ')}) as key,
              case when t.digest is null then 'extra' when o.digest is null then 'missing' else 'changed' end as side,
              (count(*) over ())::text as total
         from (${pick(ours)}) as o full join (${pick(theirs)}) as t on ${joined}
        where o.digest is distinct from t.digest
        order by ${key.map((k) => `coalesce(o.${quoteIdentifier(k)}, t.${quoteIdentifier(k)})`).join(', ')}
        limit ${engineDefaults.verification.differingKeys}`,
      [differing],
    );
    firstKeys = result.rows.map((r) => ({ key: r.key, side: r.side }));
    differingRows = Number(result.rows[0]?.total ?? 0);
  }
  return {
    expected: count('theirs'),
    actual: count('ours'),
    content: { ranges, differingRanges: differing.length, differingRows, firstKeys },
  };
};
