import { readdir } from 'node:fs/promises';
import type pg from 'pg';
import { ProjectionistError } from '../errors/index.ts';

/** The ids of this code's migrations (the numbered files migrateRegistry applies). */
const migrationIds = async (): Promise<string[]> =>
  (await readdir(new URL('./migrations/', import.meta.url)))
    .filter((name) => /^\d{3}_[a-z0-9_]+\.sql$/.test(name))
    .map((name) => name.replace(/\.sql$/, ''));

/**
 * Refuses a database whose registry is missing or behind this code's migrations, with
 * PRJ_REGISTRY_MISSING naming what to call, instead of the SQL error the first statement on a
 * missing table would raise. The run path and its entry points ask it once when they start;
 * migrating is the start-up's (migrateRegistry), never theirs.
 */
export const requireRegistry = async (options: { db: pg.Pool | pg.PoolClient }): Promise<void> => {
  const present = await options.db.query<{ found: boolean }>(
    `select to_regclass('projectionist.migrations') is not null as found`,
  );
  const applied =
    present.rows[0]?.found === true
      ? (await options.db.query<{ id: string }>('select id from projectionist.migrations')).rows.map(
          (r) => r.id,
        )
      : null;
  const missing = (await migrationIds()).filter((id) => !applied?.includes(id));
  if (missing.length === 0) return;
  throw new ProjectionistError(
    'PRJ_REGISTRY_MISSING',
    applied === null
      ? 'this database has no Projectionist registry (schema projectionist): call migrateRegistry({ pool }) once at start-up, before running a projection'
      : `this database's Projectionist registry lacks migrations ${missing.join(', ')}: call migrateRegistry({ pool }) once at start-up`,
    { details: { missing } },
  );
};
