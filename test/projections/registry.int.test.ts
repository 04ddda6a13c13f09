import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineProjection } from '../../src/definitions/index.ts';
import { findDrift, listProjections, migrateRegistry, registerVersion } from '../../src/registry/index.ts';
import { projectionTestKit } from '../../src/testing/index.ts';
import { useTestDatabase } from '../harness/testServices.ts';

const counter = (apply: 'add' | 'double') =>
  defineProjection({
    name: 'counter',
    version: 1,
    tables: { counts: { columns: { id: 'text', n: 'bigint' }, primaryKey: ['id'] } },
    handlers: {
      Counted: {
        keys: (e) => [{ table: 'counts', key: { id: e.streamId } }],
        apply:
          apply === 'add'
            ? (e, store) => {
                const row = store.get('counts', { id: e.streamId });
                store.upsert('counts', { id: e.streamId, n: (row?.n ?? 0n) + 1n });
              }
            : (e, store) => {
                const row = store.get('counts', { id: e.streamId });
                store.upsert('counts', { id: e.streamId, n: (row?.n ?? 1n) * 2n });
              },
      },
    },
  });

describe('the registry', () => {
  let databaseUrl: string;
  let pool: pg.Pool;

  beforeAll(async () => {
    databaseUrl = await useTestDatabase();
    pool = new pg.Pool({ connectionString: databaseUrl, max: 8, idleTimeoutMillis: 0 });
    await Promise.all(Array.from({ length: 8 }, () => pool.query('select 1')));
  });
  afterAll(async () => {
    await pool.end();
  });

  it('applies its migrations once, however many processes start at the same time', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => migrateRegistry({ pool })));
    const all = [
      '001_registry',
      '002_rebuilds',
      '003_parked',
      '004_environment',
      '005_command_intake',
      '006_shadow_reads',
      '007_renew_lease',
    ];
    expect(results.flat()).toEqual(all);
    expect(await migrateRegistry({ pool })).toEqual([]);
    const applied = await pool.query<{ id: string }>(`select id from projectionist.migrations order by id`);
    expect(applied.rows.map((r) => r.id)).toEqual(all);
  });

  it('reports a version whose code changed without a version bump, and tells to bump it', async () => {
    await migrateRegistry({ pool });
    const built = counter('add');
    expect(await registerVersion({ pool, definition: built })).toEqual({ created: true, drift: undefined });
    expect(await registerVersion({ pool, definition: built })).toEqual({ created: false, drift: undefined });
    expect(await findDrift({ pool, definitions: [built] })).toEqual([]);

    const changed = counter('double');
    const drift = await findDrift({ pool, definitions: [changed] });
    expect(drift).toEqual([
      {
        name: 'counter',
        version: 1,
        storedHash: built.hash,
        codeHash: changed.hash,
        advice: expect.stringMatching(/bump the version \(v2\)/) as unknown,
      },
    ]);
    expect((await registerVersion({ pool, definition: changed })).drift).toEqual(drift[0]);
    // the stored hash stays the one the rows were built from
    expect(await findDrift({ pool, definitions: [built] })).toEqual([]);
  });

  it('refuses a second projection whose name maps to a schema already in use', async () => {
    await migrateRegistry({ pool });
    const a = defineProjection({ ...counter('add'), name: 'shop-stats' });
    const b = defineProjection({ ...counter('add'), name: 'shop_stats' });
    await registerVersion({ pool, definition: a });
    await expect(registerVersion({ pool, definition: b })).rejects.toMatchObject({
      code: 'PRJ_PROJECTION_INVALID',
    });
  });

  it('lists projections with their versions, states, positions and lag', async () => {
    const kit = await projectionTestKit({
      projection: defineProjection({ ...counter('add'), name: 'listed' }),
      databaseUrl,
    });
    try {
      await kit.given([
        { type: 'Counted', streamId: 'a', data: {} },
        { type: 'Counted', streamId: 'a', data: {} },
        { type: 'Counted', streamId: 'b', data: {} },
      ]);
    } finally {
      await kit.close();
    }
    const listed = await listProjections({
      pool,
      highWatermarks: new Map([
        [0, 10n],
        [1, 4n],
      ]),
    });
    const mine = listed.find((p) => p.name === 'listed');
    expect(mine).toMatchObject({ name: 'listed', schema: 'listed', activeVersion: null });
    expect(mine?.versions).toHaveLength(1);
    expect(mine?.versions[0]).toMatchObject({
      version: 1,
      state: { status: 'building' },
      positions: new Map([[0, 3n]]),
      lag: 7n + 4n,
    });
    expect((await listProjections({ pool })).find((p) => p.name === 'listed')?.versions[0]?.lag).toBeNull();
  });
});
