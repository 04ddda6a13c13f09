import type pg from 'pg';
import { runStatement, type Statement } from '../db/index.ts';

/** Which version a projection's stable views point at, as a statement (a plan prints it). */
export const activeVersionStatement = (options: { name: string; version: number }): Statement => ({
  text: `update projectionist.projections set active_version = $2 where name = $1`,
  values: [options.name, options.version],
});

/** Records which version a projection's stable views point at; meant for the cutover's transaction. One statement. */
export const setActiveVersion = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
  version: number;
}): Promise<void> => {
  await runStatement(options.db, activeVersionStatement(options));
};
