import type pg from 'pg';

/**
 * Sends statement texts as one simple query and answers one result per statement, in order
 * (the driver answers a lone result, not an array, for one statement).
 */
export const queryAll = async (
  db: pg.Pool | pg.PoolClient,
  texts: readonly string[],
): Promise<pg.QueryResult[]> => {
  const answered: unknown = await db.query(texts.join(';\n'));
  const results = (Array.isArray(answered) ? answered : [answered]) as pg.QueryResult[];
  if (results.length !== texts.length)
    throw new Error(`${texts.length} statements answered ${results.length} results`);
  return results;
};
