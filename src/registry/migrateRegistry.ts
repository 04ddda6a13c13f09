import { readdir, readFile } from 'node:fs/promises';
import type pg from 'pg';
import { inTransaction } from '../db/index.ts';

const directory = new URL('./migrations/', import.meta.url);

/** Numbered files: 001_name.sql, applied in order of their number, each once. */
const migrationFiles = async (): Promise<{ id: string; file: URL }[]> =>
  (await readdir(directory))
    .filter((name) => /^\d{3}_[a-z0-9_]+\.sql$/.test(name))
    .sort()
    .map((name) => ({ id: name.replace(/\.sql$/, ''), file: new URL(name, directory) }));

/**
 * Applies, in the caller's transaction, every migration not yet recorded in
 * projectionist.migrations, and answers the ids it applied. A transaction-scoped advisory lock
 * makes concurrent starts wait for each other instead of racing on the same DDL. The ledger is
 * the one table made here rather than in a numbered file: it records the files.
 */
export const applyMigrations = async (client: pg.PoolClient): Promise<string[]> => {
  const files = await migrationFiles();
  await client.query(`select pg_advisory_xact_lock(hashtextextended('projectionist.migrations', 0))`);
  await client.query('create schema if not exists projectionist');
  await client.query(
    `create table if not exists projectionist.migrations (
       id text primary key,
       applied_at timestamptz not null default now()
     )`,
  );
  const applied = new Set(
    (await client.query<{ id: string }>('select id from projectionist.migrations')).rows.map((r) => r.id),
  );
  const done: string[] = [];
  for (const { id, file } of files) {
    if (applied.has(id)) continue;
    await client.query(await readFile(file, 'utf8'));
    await client.query('insert into projectionist.migrations (id) values ($1)', [id]);
    done.push(id);
  }
  return done;
};

/**
 * Brings the registry up to date (every table the project keeps beside the projections' own:
 * migrations/NNN_*.sql), in one transaction. Answers the ids it applied.
 */
export const migrateRegistry = async (options: { pool: pg.Pool }): Promise<string[]> =>
  inTransaction(options.pool, applyMigrations);
