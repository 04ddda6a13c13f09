import type pg from 'pg';
import type { ProjectionDefinition } from '../../../src/definitions/index.ts';

/**
 * md5 of every row of every table of a version, in primary-key order: two versions with equal
 * checksums hold the same rows, byte for byte.
 */
export const tableChecksums = async (
  pool: pg.Pool,
  definition: ProjectionDefinition,
): Promise<Record<string, string>> => {
  const out: Record<string, string> = {};
  for (const table of definition.model.tables.values()) {
    const order = table.primaryKey.map((c) => `t."${c.name}"`).join(', ');
    const result = await pool.query<{ sum: string; n: string }>(
      `select md5(coalesce(string_agg(t::text, E'\\n' order by ${order}), '')) as sum, count(*)::text as n
       from ${table.qualified} as t`,
    );
    out[table.name] = `${result.rows[0]?.n ?? '?'} rows ${result.rows[0]?.sum ?? '?'}`;
  }
  return out;
};
