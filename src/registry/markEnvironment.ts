import type pg from 'pg';
import { inTransaction } from '../db/index.ts';
import { applyMigrations } from './migrateRegistry.ts';

/**
 * Records what a database is for, once: a database already marked keeps its mark. Migrates the
 * registry in the same transaction, so a database never holds a registry made here without its
 * mark (the staging guard would refuse it as a target ever after).
 */
export const markEnvironment = async (options: {
  pool: pg.Pool;
  role: 'production' | 'staging';
}): Promise<void> => {
  await inTransaction(options.pool, async (client) => {
    await applyMigrations(client);
    await client.query(
      `insert into projectionist_environment.role (role) values ($1) on conflict do nothing`,
      [options.role],
    );
  });
};
