import type pg from 'pg';
import { runStatement, type Statement } from '../db/index.ts';

/** The forgetting of a version's checkpoints, as a statement (a plan prints it). */
export const deleteCheckpointsStatement = (options: { name: string; version: number }): Statement => ({
  text: `delete from projectionist.checkpoints where name = $1 and version = $2`,
  values: [options.name, options.version],
});

/** Forgets every checkpoint of a version: its next build reads from the start of the log. One statement. */
export const deleteCheckpoints = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
  version: number;
}): Promise<void> => {
  await runStatement(options.db, deleteCheckpointsStatement(options));
};
