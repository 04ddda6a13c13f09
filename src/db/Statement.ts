import type pg from 'pg';

/**
 * One SQL statement with its parameters, built before it runs. Code that runs SQL an operator
 * may want to read first (`projectionist plan`) builds it with a pure function that the plan
 * calls too, so that what the plan prints is what runs.
 */
export type Statement = { readonly text: string; readonly values: readonly unknown[] };

/** Runs one built statement. */
export const runStatement = <R extends pg.QueryResultRow = pg.QueryResultRow>(
  db: pg.Pool | pg.PoolClient,
  statement: Statement,
): Promise<pg.QueryResult<R>> => db.query<R>(statement.text, [...statement.values]);
