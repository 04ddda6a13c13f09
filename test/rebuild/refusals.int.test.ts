import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerDirectoryV1 } from '../../projections/customer-directory/v1.ts';
import { customerDirectoryV2 } from '../../projections/customer-directory/v2.ts';
import { isProjectionistError } from '../../src/errors/index.ts';
import { highWatermarks, offsetDistance } from '../../src/log/index.ts';
import { readCheckpoints } from '../../src/registry/index.ts';
import {
  cutover,
  pauseVersion,
  rebuildStatus,
  requestRebuild,
  resumeVersion,
  type Verification,
} from '../../src/rebuild/index.ts';
import { truncatePartition } from '../harness/rawKafka.ts';
import { refusalOf } from '../harness/refusalOf.ts';
import { eventually } from '../harness/testEnv.ts';
import { appendAll } from '../projections/support/appendAll.ts';
import { lossyDirectory } from './fixtures/directoryVersions.ts';
import { customerEvents } from './support/customerEvents.ts';
import { registrySnapshot } from './support/registrySnapshot.ts';
import { openTestBed, type TestBed } from './support/testBed.ts';

const name = 'customer-directory';

describe('refusals', () => {
  let bed: TestBed;
  beforeEach(async () => {
    bed = await openTestBed('refuse');
  });
  afterEach(async () => {
    await bed.close();
  });

  it('refuses to build from a truncated log: the version is failed with the reason, nothing else is made', async () => {
    const { pool, client } = bed;
    await appendAll(client, customerEvents({ count: 300, customers: 60, seed: 41 }));
    await truncatePartition({ topic: client.topics.events, partition: 0, before: 5n });

    const { waitFor } = await bed.startEngine({ definitions: [customerDirectoryV1] });
    const failed = await waitFor('rebuild:failed');
    expect(isProjectionistError(failed.error, 'PRJ_LOG_TRUNCATED')).toBe(true);
    await waitFor('rebuild:stopped', (e) => e.reason === 'failed');
    const version = await pool.query(
      `select status, status_reason from projectionist.versions where name = $1`,
      [name],
    );
    expect(version.rows).toHaveLength(1);
    expect(version.rows[0]).toMatchObject({ status: 'failed' });
    expect((version.rows[0] as { status_reason: string }).status_reason).toMatch(
      /has lost records \(partition 0 starts at 5\); refusing to replay it/,
    );
    const schemas = await pool.query(
      `select nspname from pg_namespace where nspname like 'customer_directory%'`,
    );
    expect(schemas.rows).toEqual([]);
    expect((await readCheckpoints({ db: pool, name, version: 1 })).size).toBe(0);
    const snapshot = await registrySnapshot(pool, name);
    expect(snapshot).toMatchObject({ active: [{ active_version: null }], audit: [], tables: [], views: [] });
    const build = await pool.query(`select target, started_at from projectionist.rebuilds where name = $1`, [
      name,
    ]);
    expect(build.rows.every((r: { target: unknown }) => r.target === null)).toBe(true);
    const [report] = await rebuildStatus({ pool, client });
    expect(report?.versions.map((v) => v.activity)).toEqual(['failed']);
    // it stays refused: a later poll does not try again
    await new Promise((r) => setTimeout(r, 600));
    expect(await registrySnapshot(pool, name)).toEqual(snapshot);
  });

  it('refuses to cut over to a version that is not built, paused, or behind the head of the log, and changes nothing', async () => {
    const { pool, client } = bed;
    await appendAll(client, customerEvents({ count: 1_000, customers: 150, seed: 42 }));
    const definitions = [customerDirectoryV1, customerDirectoryV2];
    const { engine, waitFor } = await bed.startEngine({ definitions, autoRebuild: false });
    await requestRebuild({ pool, name, version: 1 });
    await waitFor('cutover:done', (e) => e.to === 1);

    // v2 was never asked for: not built
    let before = await registrySnapshot(pool, name);
    const unbuilt = await refusalOf(cutover({ pool, client, definitions, name, version: 2, actor: 'ops' }));
    expect(unbuilt.code).toBe('PRJ_NOT_CAUGHT_UP');
    expect(unbuilt.message).toMatch(/still building/);
    expect(await registrySnapshot(pool, name)).toEqual(before);

    await requestRebuild({ pool, name, version: 2 });
    await waitFor('rebuild:caught-up', (e) => e.version === 2);
    await pauseVersion({ pool, name, version: 2, actor: 'ops' });
    await waitFor('rebuild:stopped', (e) => e.version === 2 && e.reason === 'paused');
    // paused, it would not keep up once serving
    before = await registrySnapshot(pool, name);
    const paused = await refusalOf(cutover({ pool, client, definitions, name, version: 2, actor: 'ops' }));
    expect(paused.code).toBe('PRJ_VERSION_STATE');
    expect(paused.message).toMatch(/is paused/);
    expect(await registrySnapshot(pool, name)).toEqual(before);
    await appendAll(client, customerEvents({ count: 50, customers: 50, seed: 43, prefix: 'new' }));
    const head = await highWatermarks({ client, topic: client.topics.events });
    await eventually(
      async () =>
        offsetDistance(await readCheckpoints({ db: pool, name, version: 1 }), head) === 0n ? true : undefined,
      15_000,
      'v1 to tail',
    );
    const [report] = await rebuildStatus({ pool, client });
    expect(report?.versions.map((v) => [v.version, v.activity, v.lag])).toEqual([
      [1, 'live', 0n],
      [2, 'paused', 50n],
    ]);

    // resumed, but with no engine running to catch it up: 50 records behind
    await resumeVersion({ pool, name, version: 2, actor: 'ops' });
    await bed.stopEngine(engine);
    before = await registrySnapshot(pool, name);
    const behind = await refusalOf(
      cutover({ pool, client, definitions, name, version: 2, actor: 'ops', catchUpWaitMs: 300 }),
    );
    expect(behind.code).toBe('PRJ_NOT_CAUGHT_UP');
    expect(behind.message).toMatch(/50 records behind the head of the log/);
    expect(behind.details).toMatchObject({ lag: '50' });
    expect(await registrySnapshot(pool, name)).toEqual(before);
  });

  it('refuses to cut over to a version that fails its checks, showing the differences, and changes nothing', async () => {
    const { pool, client } = bed;
    await appendAll(client, customerEvents({ count: 1_500, customers: 300, seed: 44 }));
    const definitions = [customerDirectoryV1, lossyDirectory];
    const { waitFor } = await bed.startEngine({ definitions, autoRebuild: false });
    await requestRebuild({ pool, name, version: 1 });
    await waitFor('cutover:done', (e) => e.to === 1);
    await requestRebuild({ pool, name, version: 3 });
    await waitFor('rebuild:caught-up', (e) => e.version === 3);

    const before = await registrySnapshot(pool, name);
    const failed = await refusalOf(cutover({ pool, client, definitions, name, version: 3, actor: 'ops' }));
    expect(failed.code).toBe('PRJ_CHECK_FAILED');
    const verification = failed.details.verification as Verification;
    expect(verification).toMatchObject({ against: 1, passed: false, aligned: true });
    const [count, invariant] = verification.results;
    const customers = await pool.query<{ n: string }>(
      `select count(*)::text as n from customer_directory__v1.customers`,
    );
    const kept = await pool.query<{ n: string }>(
      `select count(*)::text as n from customer_directory__v3.customers`,
    );
    expect(count).toMatchObject({
      check: 'every customer of the active version is here',
      ok: false,
      expected: customers.rows[0]?.n,
      actual: kept.rows[0]?.n,
    });
    expect(Number(count?.actual)).toBeLessThan(Number(count?.expected));
    expect(invariant).toMatchObject({
      check: 'every customer has an address',
      kind: 'no-rows',
      ok: false,
      expected: '0',
    });
    expect(Number(invariant?.actual)).toBeGreaterThan(0);
    expect(invariant?.sample?.[0]).toHaveProperty('id');
    expect(failed.message).toContain(
      `every customer of the active version is here: expected ${count?.expected}, found ${count?.actual}`,
    );
    expect(await registrySnapshot(pool, name)).toEqual(before);
    const [report] = await rebuildStatus({ pool, client });
    expect(report?.versions.find((v) => v.version === 3)?.verification?.passed).toBe(false);
  });
});
