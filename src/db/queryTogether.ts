import type pg from 'pg';
import { inlineStatement } from './inlineStatement.ts';
import { queryAll } from './queryAll.ts';
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
  return queryAll(pool, statements.map(inlineStatement));
};
