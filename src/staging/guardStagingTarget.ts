import type pg from 'pg';
import { ProjectionistError } from '../errors/index.ts';

/** The schema that says what a database is for; `role` is 'production' or 'staging'. */
export const environmentTable = 'projectionist_environment.role';

const identity = async (pool: pg.Pool) => {
  const result = await pool.query<{ system_identifier: string; database: string }>(
    `select system_identifier::text as system_identifier, current_database() as database from pg_control_system()`,
  );
  const row = result.rows[0];
  if (row === undefined) throw new Error('pg_control_system() answered nothing');
  return row;
};

const roleOf = async (pool: pg.Pool): Promise<string | undefined> => {
  const exists = await pool.query(
    `select 1 from information_schema.tables where table_schema = 'projectionist_environment' and table_name = 'role'`,
  );
  if (exists.rowCount === 0) return undefined;
  return (await pool.query<{ role: string }>(`select role from ${environmentTable} limit 1`)).rows[0]?.role;
};

/** Records what a database is for, once: a database already marked keeps its mark. */
export const markEnvironment = async (pool: pg.Pool, role: 'production' | 'staging'): Promise<void> => {
  await pool.query(`create schema if not exists projectionist_environment`);
  await pool.query(
    `create table if not exists ${environmentTable} (role text not null check (role in ('production', 'staging')), marked_at timestamptz not null default now(), singleton boolean primary key default true check (singleton))`,
  );
  await pool.query(`insert into ${environmentTable} (role) values ($1) on conflict do nothing`, [role]);
};

/**
 * Refuses a staging target that is the production database: the same server (system
 * identifier) and database name, or a database whose own mark says it is production.
 * Throws PRJ_STAGING_REFUSED and changes nothing.
 */
export const guardStagingTarget = async (options: {
  production: pg.Pool;
  staging: pg.Pool;
}): Promise<void> => {
  const [prod, target] = await Promise.all([identity(options.production), identity(options.staging)]);
  if (prod.system_identifier === target.system_identifier && prod.database === target.database) {
    throw new ProjectionistError(
      'PRJ_STAGING_REFUSED',
      `the staging target is the production database (${target.database} on the same server); refusing to refresh it`,
    );
  }
  if ((await roleOf(options.staging)) === 'production') {
    throw new ProjectionistError(
      'PRJ_STAGING_REFUSED',
      `the staging target ${target.database} is marked as a production database; refusing to refresh it`,
    );
  }
};
