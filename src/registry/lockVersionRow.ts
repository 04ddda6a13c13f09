import type pg from 'pg';
import { runStatement, type Statement } from '../db/index.ts';

/** The lock of a version's row, as a statement (a plan prints it). */
export const lockVersionRowStatement = (options: { name: string; version: number }): Statement => ({
  text: `select status from projectionist.versions where name = $1 and version = $2 for no key update`,
  values: [options.name, options.version],
});

/**
 * Locks a version's row (`for no key update`: its state cannot change, a runner marking it
 * failed waits) until the caller's transaction ends, and answers its status; undefined when it
 * is not registered. One statement.
 */
export const lockVersionRow = async (options: {
  db: pg.PoolClient;
  name: string;
  version: number;
}): Promise<string | undefined> => {
  const result = await runStatement<{ status: string }>(options.db, lockVersionRowStatement(options));
  return result.rows[0]?.status;
};
