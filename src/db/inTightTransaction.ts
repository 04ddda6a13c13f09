import type pg from 'pg';
import { transactionOn } from './inTransaction.ts';
import { inlineStatement } from './inlineStatement.ts';
import { queryAll } from './queryAll.ts';
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
      const results = await queryAll(client, ['begin', ...options.opening.map(inlineStatement)]);
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
      const all = await queryAll(client, ['begin', ...statements.map(inlineStatement), 'commit']);
      results = all.slice(1, -1);
    },
    () => Promise.resolve(results),
    () => Promise.resolve(),
  );
};
