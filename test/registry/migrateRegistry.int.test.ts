import { readdir } from 'node:fs/promises';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { markEnvironment, migrateRegistry, readEnvironmentRole } from '../../src/registry/index.ts';
import { useTestDatabase } from '../harness/testServices.ts';

const migrationsFolder = new URL('../../src/registry/migrations/', import.meta.url);

/** Every table the registry part creates, in its two schemas. */
const registryTables = [
  'projectionist.accepted',
  'projectionist.audit',
  'projectionist.checkpoints',
  'projectionist.leases',
  'projectionist.migrations',
  'projectionist.parked',
  'projectionist.projections',
  'projectionist.rebuilds',
  'projectionist.shadow_reads',
  'projectionist.versions',
  'projectionist_environment.refreshes',
  'projectionist_environment.role',
];

/** Tables, columns and indexes of the registry's schemas: what a migration could change. */
const shapeOf = async (pool: pg.Pool) => ({
  tables: (
    await pool.query<{ name: string }>(
      `select schemaname || '.' || tablename as name from pg_tables
       where schemaname in ('projectionist', 'projectionist_environment') order by 1`,
    )
  ).rows.map((r) => r.name),
  columns: (
    await pool.query<{ column: string }>(
      `select table_schema || '.' || table_name || '.' || column_name || ' ' || data_type as column
       from information_schema.columns
       where table_schema in ('projectionist', 'projectionist_environment') order by 1`,
    )
  ).rows.map((r) => r.column),
  indexes: (
    await pool.query<{ index: string }>(
      `select indexdef as index from pg_indexes
       where schemaname in ('projectionist', 'projectionist_environment') order by 1`,
    )
  ).rows.map((r) => r.index),
});

const withFreshDatabase = async (use: (pool: pg.Pool) => Promise<void>): Promise<void> => {
  const pool = new pg.Pool({ connectionString: await useTestDatabase(), max: 2 });
  try {
    await use(pool);
  } finally {
    await pool.end();
  }
};

describe('migrating the registry', () => {
  it('brings a fresh database to every numbered file, in order, and records each', async () => {
    const files = (await readdir(migrationsFolder)).filter((f) => f.endsWith('.sql')).sort();
    // Every file in the folder is a numbered migration, numbered without gaps from 001.
    expect(files.map((f) => /^(\d{3})_[a-z0-9_]+\.sql$/.exec(f)?.[1])).toEqual(
      files.map((_, i) => String(i + 1).padStart(3, '0')),
    );
    const ids = files.map((f) => f.replace(/\.sql$/, ''));
    expect(ids).toEqual([
      '001_registry',
      '002_rebuilds',
      '003_parked',
      '004_environment',
      '005_command_intake',
      '006_shadow_reads',
      '007_renew_lease',
    ]);
    await withFreshDatabase(async (pool) => {
      expect(await migrateRegistry({ pool })).toEqual(ids);
      const ledger = await pool.query<{ id: string }>(`select id from projectionist.migrations order by id`);
      expect(ledger.rows.map((r) => r.id)).toEqual(ids);
      expect((await shapeOf(pool)).tables).toEqual(registryTables);
      // A registry made by migrating holds no mark: the staging guard treats it as not staging.
      expect(await readEnvironmentRole({ db: pool })).toBeUndefined();
    });
  });

  it('is a no-op the second time: it applies nothing and changes no table, column or index', async () => {
    await withFreshDatabase(async (pool) => {
      await migrateRegistry({ pool });
      const before = await shapeOf(pool);
      expect(await migrateRegistry({ pool })).toEqual([]);
      expect(await shapeOf(pool)).toEqual(before);
    });
  });

  it('marks a fresh database in the transaction that migrates it, and keeps the first mark', async () => {
    await withFreshDatabase(async (pool) => {
      await markEnvironment({ pool, role: 'staging' });
      expect((await shapeOf(pool)).tables).toEqual(registryTables);
      expect(await readEnvironmentRole({ db: pool })).toBe('staging');
      await markEnvironment({ pool, role: 'production' });
      expect(await readEnvironmentRole({ db: pool })).toBe('staging');
      expect(await migrateRegistry({ pool })).toEqual([]);
    });
  });

  it('adopts the environment tables of a database marked before they were a migration', async () => {
    await withFreshDatabase(async (pool) => {
      // what markEnvironment and refreshStaging created inline before migration 004
      await pool.query(`create schema projectionist_environment`);
      await pool.query(
        `create table projectionist_environment.role (role text not null check (role in ('production', 'staging')), marked_at timestamptz not null default now(), singleton boolean primary key default true check (singleton))`,
      );
      await pool.query(`insert into projectionist_environment.role (role) values ('production')`);
      expect(await migrateRegistry({ pool })).toContain('004_environment');
      expect(await readEnvironmentRole({ db: pool })).toBe('production');
      expect((await shapeOf(pool)).tables).toEqual(registryTables);
    });
  });
});
