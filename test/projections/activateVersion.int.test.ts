import pg from 'pg';
import { CustomerRegistered } from '../../events/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerDirectoryV1 } from '../../projections/customer-directory/v1.ts';
import { customerDirectoryV2 } from '../../projections/customer-directory/v2.ts';
import { isProjectionistError, ProjectionistError } from '../../src/errors/index.ts';
import { activateVersion } from '../../src/rebuild/index.ts';
import { listProjections, setVersionState } from '../../src/registry/index.ts';
import { projectionTestKit, sampleOf, type TestEvent } from '../../src/testing/index.ts';
import { type ProjectionDefinition } from '../../src/definitions/index.ts';
import { useTestDatabase } from '../harness/testServices.ts';

const registered = (id: string, firstName: string): TestEvent => ({
  type: 'CustomerRegistered',
  version: 3,
  streamId: id,
  time: '2024-05-01T09:00:00.000Z',
  // the newest golden sample, living in Washington, renamed
  data: sampleOf(CustomerRegistered, {
    firstName,
    lastName: 'Example',
    email: `${firstName.toLowerCase()}@example.com`,
  }),
});

describe('activating a version', () => {
  let databaseUrl: string;
  let pool: pg.Pool;

  beforeAll(async () => {
    databaseUrl = await useTestDatabase();
    pool = new pg.Pool({ connectionString: databaseUrl, max: 4, idleTimeoutMillis: 0 });
    await Promise.all(Array.from({ length: 4 }, () => pool.query('select 1')));
    const builds: [ProjectionDefinition, string[]][] = [
      [customerDirectoryV1, ['Ada', 'Grace']],
      [customerDirectoryV2, ['Ada', 'Grace', 'Hedy']],
    ];
    for (const [projection, people] of builds) {
      const kit = await projectionTestKit({ projection, databaseUrl });
      await kit.given(people.map((name, i) => registered(`cus-${i}`, name)));
      await kit.close();
    }
  });
  afterAll(async () => {
    await pool.end();
  });

  const stable = async () =>
    (await pool.query<Record<string, unknown>>(`select * from customer_directory.customers order by id`))
      .rows;
  const views = async () =>
    (
      await pool.query<{ viewname: string }>(
        `select viewname from pg_views where schemaname = 'customer_directory' order by 1`,
      )
    ).rows.map((r) => r.viewname);

  it('refuses a version that is still building, and one that does not exist', async () => {
    const building = await activateVersion({
      pool,
      projection: 'customer-directory',
      version: 1,
      actor: 'ops',
    }).catch((e: unknown) => e);
    expect(isProjectionistError(building, 'PRJ_VERSION_STATE')).toBe(true);
    const missing = await activateVersion({
      pool,
      projection: 'customer-directory',
      version: 9,
      actor: 'ops',
    }).catch((e: unknown) => e);
    expect(isProjectionistError(missing, 'PRJ_NOT_FOUND')).toBe(true);
    const unknown = await activateVersion({ pool, projection: 'nope', version: 1, actor: 'ops' }).catch(
      (e: unknown) => e,
    );
    expect(isProjectionistError(unknown, 'PRJ_NOT_FOUND')).toBe(true);
  });

  it('answers the stable views with the active version’s rows, and repoints them in one step', async () => {
    for (const version of [1, 2])
      await setVersionState({
        db: pool,
        name: 'customer-directory',
        version,
        state: { status: 'catching-up' },
      });
    const first = await activateVersion({
      pool,
      projection: 'customer-directory',
      version: 1,
      actor: 'alice',
    });
    expect(first).toMatchObject({ from: null, to: 1 });
    expect(await stable()).toEqual([
      { id: 'cus-0', full_name: 'Ada Example', email: 'ada@example.com', city: 'Washington' },
      { id: 'cus-1', full_name: 'Grace Example', email: 'grace@example.com', city: 'Washington' },
    ]);
    expect(await views()).toEqual(['customers']);

    const second = await activateVersion({
      pool,
      projection: 'customer-directory',
      version: 2,
      actor: 'bob',
    });
    expect(second).toMatchObject({ from: 1, to: 2 });
    expect((await stable()).map((r) => [r.id, r.first_name, r.email_domain])).toEqual([
      ['cus-0', 'Ada', 'example.com'],
      ['cus-1', 'Grace', 'example.com'],
      ['cus-2', 'Hedy', 'example.com'],
    ]);
    expect(await views()).toEqual(['addresses', 'customers']);

    // rolling back is the same instant cutover, and drops the view v1 does not have
    await activateVersion({ pool, projection: 'customer-directory', version: 1, actor: 'alice' });
    expect(await views()).toEqual(['customers']);
    expect(await stable()).toHaveLength(2);

    const audit = await pool.query(
      `select from_version, to_version, actor, took_ms >= 0 as timed from projectionist.audit order by id`,
    );
    expect(audit.rows).toEqual([
      { from_version: null, to_version: 1, actor: 'alice', timed: true },
      { from_version: 1, to_version: 2, actor: 'bob', timed: true },
      { from_version: 2, to_version: 1, actor: 'alice', timed: true },
    ]);
    const [listed] = (await listProjections({ pool })).filter((p) => p.name === 'customer-directory');
    expect(listed?.activeVersion).toBe(1);
    expect(listed?.versions.map((v) => v.state.status)).toEqual(['live', 'standby']);
  });

  it('never fails or mixes versions for readers while it flips back and forth', async () => {
    for (const version of [1, 2])
      await setVersionState({ db: pool, name: 'customer-directory', version, state: { status: 'standby' } });
    const reader = new pg.Client({ connectionString: databaseUrl });
    await reader.connect();
    let stop = false;
    const seen = new Set<number>();
    const reading = (async () => {
      while (!stop) {
        const rows = (
          await reader.query<Record<string, unknown>>(`select * from customer_directory.customers`)
        ).rows;
        // v1 has two customers and a full_name column; v2 three, with first_name
        const version =
          rows.length === 2 && 'full_name' in (rows[0] ?? {})
            ? 1
            : rows.length === 3 && 'first_name' in (rows[0] ?? {})
              ? 2
              : 0;
        seen.add(version);
      }
    })();
    try {
      for (let i = 0; i < 20; i++)
        await activateVersion({
          pool,
          projection: 'customer-directory',
          version: (i % 2) + 1,
          actor: 'flipper',
        });
    } finally {
      stop = true;
      await reading;
      await reader.end();
    }
    expect([...seen].sort()).toEqual([1, 2]);
  });

  it('runs the caller’s decision under the projection row’s lock in every attempt, and changes nothing when it refuses', async () => {
    for (const version of [1, 2])
      await setVersionState({ db: pool, name: 'customer-directory', version, state: { status: 'standby' } });
    await activateVersion({ pool, projection: 'customer-directory', version: 1, actor: 'ops' });
    const auditCount = async () =>
      Number((await pool.query<{ n: string }>(`select count(*) as n from projectionist.audit`)).rows[0]?.n);
    const before = await auditCount();
    // a reader holds the view: the first attempt times out on it and is tried again
    const reader = new pg.Client({ connectionString: databaseUrl });
    await reader.connect();
    await reader.query('begin');
    await reader.query('select count(*) from customer_directory.customers');
    const decisions: { attempt: number; rowLocked: boolean }[] = [];
    try {
      const refused = await activateVersion({
        pool,
        projection: 'customer-directory',
        version: 2,
        actor: 'ops',
        lockTimeoutMs: 100,
        decide: async () => {
          const other = await pool
            .query(
              `select 1 from projectionist.projections where name = 'customer-directory' for update nowait`,
            )
            .then(
              () => false,
              (e: unknown) => (e as { code?: string }).code === '55P03',
            );
          decisions.push({ attempt: decisions.length + 1, rowLocked: other });
          if (decisions.length === 1) return;
          throw new ProjectionistError('PRJ_VERSION_STATE', 'changed hands meanwhile');
        },
      }).catch((e: unknown) => e);
      expect(isProjectionistError(refused, 'PRJ_VERSION_STATE')).toBe(true);
      expect((refused as Error).message).toBe('changed hands meanwhile');
    } finally {
      await reader.query('rollback').catch(() => undefined);
      await reader.end();
    }
    expect(decisions.length).toBeGreaterThanOrEqual(2);
    expect(decisions.every((d) => d.rowLocked)).toBe(true);
    expect(await auditCount()).toBe(before);
    const [listed] = (await listProjections({ pool })).filter((p) => p.name === 'customer-directory');
    expect(listed?.activeVersion).toBe(1);
    expect(await views()).toEqual(['customers']);
  });
});
