import type pg from 'pg';
import { inlineStatement } from './inlineStatement.ts';
import type { Statement } from './Statement.ts';

/**
 * Runs several independent statements in one round trip (one simple query of their inlined
 * texts) on one connection; answers each one's result, in order. Each statement sees its own
 * snapshot, as separate queries would. A failure fails all: nothing after the failing one runs.
 */
export const queryTogether = async (
  pool: pg.Pool,
  statements: readonly Statement[],
): Promise<pg.QueryResult[]> => {
  if (statements.length === 0) return [];
  const text = statements.map(inlineStatement).join(';\n');
  const answered: unknown = await pool.query(text);
  const results = (Array.isArray(answered) ? answered : [answered]) as pg.QueryResult[];
  if (results.length !== statements.length)
    throw new Error(`${statements.length} statements answered ${results.length} results`);
  return results;
};
