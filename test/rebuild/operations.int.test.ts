import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerDirectoryV1 } from '../../projections/customer-directory/v1.ts';
import { customerDirectoryV2 } from '../../projections/customer-directory/v2.ts';
import { isProjectionistError } from '../../src/errors/index.ts';
import { highWatermarks, offsetDistance } from '../../src/log/index.ts';
import { readCheckpoints } from '../../src/registry/index.ts';
import { replayProjection } from '../../src/projections/index.ts';
import {
  cancelRebuild,
  cutover,
  rebuildStatus,
  requestRebuild,
  resumeVersion,
  retire,
  rollback,
} from '../../src/rebuild/index.ts';
import { eventually } from '../harness/testEnv.ts';
import { appendAll } from '../projections/support/appendAll.ts';
import { tableChecksums } from '../projections/support/tableChecksum.ts';
import { cloneAs } from './fixtures/directoryVersions.ts';
import { customerEvents } from './support/customerEvents.ts';
import { registrySnapshot } from './support/registrySnapshot.ts';
import { decode, openTestBed, type TestBed } from './support/testBed.ts';

const name = 'customer-directory';
const definitions = [customerDirectoryV1, customerDirectoryV2];

describe('operating rebuilds', () => {
  let bed: TestBed;
  beforeEach(async () => {
    bed = await openTestBed('ops');
  });
  afterEach(async () => {
    await bed.close();
  });

  const columns = async () =>
    (
      await bed.pool.query<{ column_name: string }>(
        `select column_name from information_schema.columns
         where table_schema = 'customer_directory' and table_name = 'customers' order by ordinal_position`,
      )
    ).rows.map((r) => r.column_name);
  const statusOf = async (version: number) =>
    (
      await bed.pool.query<{ status: string }>(
        `select status from projectionist.versions where name = $1 and version = $2`,
        [name, version],
      )
    ).rows[0]?.status;
  const schemaExists = async (version: number) =>
    (
      await bed.pool.query(`select 1 from pg_namespace where nspname = $1`, [
        `customer_directory__v${version}`,
      ])
    ).rowCount === 1;

  it('builds on request, cuts over, rolls back at once to the standby, and retires a standby by dropping its schema', async () => {
    const { pool, client } = bed;
    await appendAll(client, customerEvents({ count: 3_000, customers: 400, seed: 11 }));
    const { engine, waitFor } = await bed.startEngine({ definitions, autoRebuild: false });

    // without autoRebuild nothing is built until an operator asks
    await new Promise((r) => setTimeout(r, 500));
    expect(await schemaExists(1)).toBe(false);
    const waiting = await rebuildStatus({ pool, client, definitions });
    expect(waiting[0]?.versions.map((v) => v.activity)).toEqual(['waiting', 'waiting']);

    await requestRebuild({ pool, name, version: 1, actor: 'alice' });
    // the first version of a projection that serves none takes over by itself
    await waitFor('cutover:done', (e) => e.to === 1);
    await requestRebuild({ pool, name, version: 2, actor: 'alice' });
    await waitFor('rebuild:caught-up', (e) => e.version === 2);
    expect(await statusOf(2)).toBe('catching-up');
    const ready = await rebuildStatus({ pool, client, definitions });
    expect(ready[0]?.versions.map((v) => [v.version, v.activity, v.active, v.lag])).toEqual([
      [1, 'live', true, 0n],
      [2, 'ready', false, 0n],
    ]);
    const total = [...(await highWatermarks({ client, topic: client.topics.events })).values()].reduce(
      (a, b) => a + b,
    );
    expect(ready[0]?.versions[1]).toMatchObject({
      applied: total,
      target: total,
      drift: null,
      deployed: true,
    });
    expect(ready[0]?.versions[1]?.lease?.holder).toBe(engine.holder);

    const switched = await cutover({ pool, client, definitions, name, version: 2, actor: 'alice' });
    expect(switched).toMatchObject({ from: 1, to: 2 });
    expect(switched.verification?.passed).toBe(true);
    expect(switched.verification?.aligned).toBe(true);
    const [count] = switched.verification?.results ?? [];
    expect(count?.ok).toBe(true);
    expect(count?.expected).toBe(count?.actual);
    expect(await columns()).toContain('first_name');
    expect([await statusOf(1), await statusOf(2)]).toEqual(['standby', 'live']);

    // the standby keeps tailing: new events reach both versions
    await appendAll(client, customerEvents({ count: 200, customers: 50, seed: 12, prefix: 'late' }));
    const head = await highWatermarks({ client, topic: client.topics.events });
    for (const version of [1, 2])
      await eventually(
        async () =>
          offsetDistance(await readCheckpoints({ db: pool, name, version }), head) === 0n ? true : undefined,
        15_000,
        `v${version} to tail`,
      );

    const back = await rollback({ pool, client, definitions, name, actor: 'bob' });
    expect(back).toMatchObject({ from: 2, to: 1, verification: null });
    expect(await columns()).toContain('full_name');
    expect([await statusOf(1), await statusOf(2)]).toEqual(['live', 'standby']);
    const audit = await pool.query(
      `select from_version, to_version, actor from projectionist.audit order by id`,
    );
    expect(
      audit.rows.map((r: { from_version: number | null; to_version: number }) => [
        r.from_version,
        r.to_version,
      ]),
    ).toEqual([
      [null, 1],
      [1, 2],
      [2, 1],
    ]);
    expect(audit.rows.slice(1).map((r: { actor: string }) => r.actor)).toEqual(['alice', 'bob']);

    const retired = await retire({ pool, name, version: 2, actor: 'carol' });
    expect(retired.schema).toBe('customer_directory__v2');
    expect(await schemaExists(2)).toBe(false);
    expect(await statusOf(2)).toBe('retired');
    expect((await readCheckpoints({ db: pool, name, version: 2 })).size).toBe(0);
    await waitFor('version:retired', (e) => e.version === 2 && e.actor === 'carol');
    await waitFor('rebuild:stopped', (e) => e.version === 2 && e.reason === 'retired');
    // no late writer brings it back, while events keep coming
    await appendAll(client, customerEvents({ count: 100, customers: 50, seed: 13, prefix: 'later' }));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await schemaExists(2)).toBe(false);
    expect((await readCheckpoints({ db: pool, name, version: 2 })).size).toBe(0);
    const lease = await pool.query(
      `select holder from projectionist.leases where name = $1 and version = 2`,
      [name],
    );
    expect(lease.rows).toEqual([{ holder: 'retired' }]);

    // v2 is gone: there is nothing to roll back to
    const refused = await rollback({ pool, client, definitions, name, actor: 'bob' }).catch(
      (e: unknown) => e,
    );
    expect(isProjectionistError(refused, 'PRJ_VERSION_STATE')).toBe(true);
  });

  it('refuses to retire the active version and changes nothing', async () => {
    const { pool, client } = bed;
    await appendAll(client, customerEvents({ count: 500, customers: 100, seed: 21 }));
    const { waitFor } = await bed.startEngine({ definitions: [customerDirectoryV1] });
    await waitFor('cutover:done', (e) => e.to === 1);
    const before = await registrySnapshot(pool, name);
    const refused = await retire({ pool, name, version: 1, actor: 'carol' }).catch((e: unknown) => e);
    expect(isProjectionistError(refused, 'PRJ_VERSION_STATE')).toBe(true);
    expect((refused as Error).message).toMatch(/serves reads/);
    expect(await registrySnapshot(pool, name)).toEqual(before);
  });

  it('cuts over by itself under the auto policy once verified, and retires the old version after a while on standby', async () => {
    const { client } = bed;
    await appendAll(client, customerEvents({ count: 2_000, customers: 300, seed: 31 }));
    const first = await bed.startEngine({ definitions: [customerDirectoryV1] });
    await first.waitFor('cutover:done', (e) => e.to === 1);
    await bed.stopEngine(first.engine);

    // a deploy adds v2
    const { waitFor } = await bed.startEngine({
      definitions,
      cutoverPolicy: () => 'auto',
      retireAfterMs: 1_000,
    });
    const verified = await waitFor('rebuild:verified', (e) => e.version === 2);
    expect(verified).toMatchObject({ against: 1, passed: true, aligned: true });
    const done = await waitFor('cutover:done', (e) => e.to === 2);
    expect(done.from).toBe(1);
    expect(done.actor).toMatch(/^rebuild-engine \(policy auto\)/);
    const retired = await waitFor('version:retired', (e) => e.version === 1, 15_000);
    expect(retired.actor).toMatch(/^rebuild-engine \(standby for \d+ ms\)/);
    expect(await statusOf(1)).toBe('retired');
    expect(await schemaExists(1)).toBe(false);
    expect(await columns()).toContain('first_name');
  });

  it('leaves a cancelled build idle until resumed, then goes on from its checkpoints; a rebuild from scratch starts over', async () => {
    const { pool, client } = bed;
    await appendAll(client, customerEvents({ count: 20_000, customers: 4_000, seed: 41 }));
    const { waitFor, waitForNext, all } = await bed.startEngine({
      definitions,
      autoRebuild: false,
      // a flush every 300 rows: a build long enough to cancel half way
      limits: { maxRows: 300, maxDelayMs: 50 },
    });
    await requestRebuild({ pool, name, version: 1 });
    await waitFor('cutover:done', (e) => e.to === 1, 60_000);
    await requestRebuild({ pool, name, version: 2 });
    const started = await waitFor('rebuild:started', (e) => e.version === 2);
    await waitFor('rebuild:batch', (e) => e.version === 2 && e.applied * 5n > started.total);
    await cancelRebuild({ pool, name, version: 2, actor: 'ops' });
    await waitFor('rebuild:stopped', (e) => e.version === 2 && e.reason === 'cancelled');
    const stoppedAt = await readCheckpoints({ db: pool, name, version: 2 });
    const batches = all('rebuild:batch').length;
    await new Promise((r) => setTimeout(r, 800));
    expect(await statusOf(2)).toBe('building');
    expect(all('rebuild:batch')).toHaveLength(batches);
    expect(await readCheckpoints({ db: pool, name, version: 2 })).toEqual(stoppedAt);
    const [cancelled] = await rebuildStatus({ pool, client });
    const report = cancelled?.versions.find((v) => v.version === 2);
    expect(report).toMatchObject({ activity: 'cancelled', cancelled: true, target: started.total });
    expect(report?.applied).toBeLessThan(started.total);

    await resumeVersion({ pool, name, version: 2, actor: 'ops' });
    const resumed = await waitFor('rebuild:started', (e) => e.version === 2 && e.resumed);
    expect(resumed.total).toBe(started.total);
    expect(resumed.target).toEqual(started.target);
    expect(resumed.from).toEqual(stoppedAt);
    await waitFor('rebuild:caught-up', (e) => e.version === 2, 60_000);
    await cutover({ pool, client, definitions, name, version: 2, actor: 'ops' });

    // the active version's tables serve reads: it cannot be rebuilt
    const refused = await requestRebuild({ pool, name, version: 2 }).catch((e: unknown) => e);
    expect(isProjectionistError(refused, 'PRJ_VERSION_STATE')).toBe(true);
    // a built standby is rebuilt only from scratch
    const nothingToDo = await requestRebuild({ pool, name, version: 1 }).catch((e: unknown) => e);
    expect(isProjectionistError(nothingToDo, 'PRJ_VERSION_STATE')).toBe(true);
    const caughtUpAgain = waitForNext('rebuild:caught-up', (e) => e.version === 1, 60_000);
    const request = await requestRebuild({ pool, name, version: 1, fromScratch: true, actor: 'ops' });
    expect(request).toMatchObject({ previousStatus: 'standby', fromScratch: true });
    await waitFor('rebuild:stopped', (e) => e.version === 1 && e.reason === 'rebuild-requested');
    const again = await waitFor('rebuild:started', (e) => e.version === 1 && e.fromScratch);
    expect(again).toMatchObject({ resumed: false });
    expect(again.from.size).toBe(0);
    await caughtUpAgain;
    expect(await statusOf(1)).toBe('catching-up');

    const clean = cloneAs(customerDirectoryV1, 8);
    const head = await highWatermarks({ client, topic: client.topics.events });
    await eventually(
      async () =>
        offsetDistance(await readCheckpoints({ db: pool, name, version: 1 }), head) === 0n ? true : undefined,
      15_000,
      'v1 to catch up',
    );
    expect((await replayProjection({ pool, client, definition: clean, decode, until: head })).status).toBe(
      'reached',
    );
    expect(await tableChecksums(pool, customerDirectoryV1)).toEqual(await tableChecksums(pool, clean));
  });
});
