import type pg from 'pg';
import { transactionOn } from './inTransaction.ts';
import { inlineStatement } from './inlineStatement.ts';
import type { Statement } from './Statement.ts';

/**
 * A transaction in as few round trips as its statements allow: `begin` goes in one simple query
 * with the `opening` statements (whose results, in order, `checkOpening` sees, and may refuse by
 * throwing: then it rolls back), and `closing` (when given) in one with `commit`. In between,
 * `work` runs its statements as usual. A failure anywhere rolls back; a failed statement stops
 * its simple query there, so a failed `closing` never commits.
 */
export const inTightTransaction = <T>(
  pool: pg.Pool,
  options: {
    readonly opening: readonly Statement[];
    readonly checkOpening: (results: readonly pg.QueryResult[]) => void;
    readonly work: (client: pg.PoolClient) => Promise<T>;
    readonly closing?: Statement | undefined;
  },
): Promise<T> =>
  transactionOn(
    pool,
    async (client) => {
      const text = ['begin', ...options.opening.map(inlineStatement)].join(';\n');
      const answered: unknown = await client.query(text);
      const results = (Array.isArray(answered) ? answered : [answered]) as pg.QueryResult[];
      if (results.length !== options.opening.length + 1)
        throw new Error(`${options.opening.length + 1} statements answered ${results.length} results`);
      options.checkOpening(results.slice(1));
    },
    options.work,
    async (client) => {
      const { closing } = options;
      await client.query(closing === undefined ? 'commit' : `${inlineStatement(closing)}; commit`);
    },
  );

/**
 * `begin`, the statements and `commit` in one simple query: one round trip. A statement that
 * fails stops the query there, so nothing commits (the transaction is rolled back); a statement
 * that must refuse the transaction has to fail, as no result is seen before the commit. Answers
 * the statements' results, in order.
 */
export const inOneRoundTrip = (
  pool: pg.Pool,
  statements: readonly Statement[],
): Promise<pg.QueryResult[]> => {
  let results: pg.QueryResult[] = [];
  return transactionOn(
    pool,
    async (client) => {
      const text = ['begin', ...statements.map(inlineStatement), 'commit'].join(';\n');
      const answered: unknown = await client.query(text);
      const all = (Array.isArray(answered) ? answered : [answered]) as pg.QueryResult[];
      if (all.length !== statements.length + 2)
        throw new Error(`${statements.length + 2} statements answered ${all.length} results`);
      results = all.slice(1, -1);
    },
    () => Promise.resolve(results),
    () => Promise.resolve(),
  );
};
