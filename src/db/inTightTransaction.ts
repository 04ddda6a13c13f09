import type pg from 'pg';
import { transactionOn } from './inTransaction.ts';
import { inlineStatement } from './inlineStatement.ts';
import type { Statement } from './Statement.ts';

/** The result of the statement after `begin` in one simple query. */
const secondResult = (results: pg.QueryResult | pg.QueryResult[]): pg.QueryResult => {
  const second = Array.isArray(results) ? results[1] : undefined;
  if (second === undefined) throw new Error('the opening statement answered no result');
  return second;
};

/**
 * A transaction in as few round trips as its statements allow: `begin` goes in one simple query
 * with `opening` (whose result `checkOpening` sees, and may refuse by throwing), and `closing`
 * (when given) in one with `commit`. In between, `work` runs its statements as usual. A failure
 * anywhere rolls back; a failed `closing` never commits (a simple query stops at its first error).
 */
export const inTightTransaction = <T>(
  pool: pg.Pool,
  options: {
    readonly opening: Statement;
    readonly checkOpening: (result: pg.QueryResult) => void;
    readonly work: (client: pg.PoolClient) => Promise<T>;
    readonly closing?: Statement | undefined;
  },
): Promise<T> =>
  transactionOn(
    pool,
    async (client) => {
      const opened: unknown = await client.query(`begin; ${inlineStatement(options.opening)}`);
      options.checkOpening(secondResult(opened as pg.QueryResult | pg.QueryResult[]));
    },
    options.work,
    async (client) => {
      const { closing } = options;
      await client.query(closing === undefined ? 'commit' : `${inlineStatement(closing)}; commit`);
    },
  );
