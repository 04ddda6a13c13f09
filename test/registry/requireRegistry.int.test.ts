import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProjectionistError } from '../../src/errors/index.ts';
import { Projector, replayProjection } from '../../src/projections/index.ts';
import { migrateRegistry, requireRegistry } from '../../src/registry/index.ts';
import { testLogClient, useTestDatabase } from '../harness/testServices.ts';
import { ledgerProjection } from '../projections/fixtures/ledgerProjection.ts';
import { testDecoder } from '../projections/support/testDecoder.ts';

describe('a database whose registry was never migrated', () => {
  let pool: pg.Pool;
  const client = testLogClient();

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: await useTestDatabase(), max: 2, idleTimeoutMillis: 0 });
    // Open every connection now, so connections the pool keeps are not counted as leaks.
    await Promise.all([1, 2].map(() => pool.query('select pg_sleep(0.05)')));
  });
  afterAll(async () => {
    await client.close();
    await pool.end();
  });

  it('is refused by the run path with PRJ_REGISTRY_MISSING, naming what to call, and nothing is made', async () => {
    const definition = ledgerProjection(1);
    const replayed = await replayProjection({
      pool,
      client,
      definition,
      decode: testDecoder,
      until: new Map(),
    }).catch((e: unknown) => e);
    expect(isProjectionistError(replayed, 'PRJ_REGISTRY_MISSING')).toBe(true);
    expect((replayed as Error).message).toMatch(/migrateRegistry\(\{ pool \}\)/);
    const projector = new Projector({ pool, client, definition, decode: testDecoder });
    await expect(projector.start()).rejects.toMatchObject({ code: 'PRJ_REGISTRY_MISSING' });
    const schemas = await pool.query(
      `select nspname from pg_namespace where nspname in ('projectionist', 'ledger__v1')`,
    );
    expect(schemas.rows).toEqual([]);
  });

  it('is accepted once migrateRegistry has run at start-up', async () => {
    await migrateRegistry({ pool });
    await expect(requireRegistry({ db: pool })).resolves.toBeUndefined();
  });
});
