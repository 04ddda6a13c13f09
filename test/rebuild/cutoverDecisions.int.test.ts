import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerDirectoryV1 } from '../../projections/customer-directory/v1.ts';
import { customerDirectoryV2 } from '../../projections/customer-directory/v2.ts';
import { defineProjection, type ProjectionDefinition } from '../../src/definitions/index.ts';
import { pauseVersion, rollback, type CutoverPolicy } from '../../src/rebuild/index.ts';
import { eventually } from '../harness/testEnv.ts';
import { appendAll } from '../projections/support/appendAll.ts';
import { cloneAs } from './fixtures/directoryVersions.ts';
import { customerEvents } from './support/customerEvents.ts';
import { openTestBed, type TestBed } from './support/testBed.ts';

const name = 'customer-directory';
// With a check against v2: the engine's auto policy never cuts over to a version that declares none.
const customerDirectoryV3 = defineProjection({
  ...cloneAs(customerDirectoryV2, 3),
  checks: [
    { kind: 'same-rows', name: 'the customers of v2', table: 'customers', columns: ['first_name', 'email'] },
  ],
});
const two: readonly ProjectionDefinition[] = [customerDirectoryV1, customerDirectoryV2];
const three: readonly ProjectionDefinition[] = [...two, customerDirectoryV3];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Engine = Awaited<ReturnType<TestBed['startEngine']>>;

describe('decisions made in the transaction that switches', () => {
  let bed: TestBed;
  let reader: pg.Client;
  beforeEach(async () => {
    bed = await openTestBed('decide');
    reader = new pg.Client({ connectionString: bed.databaseUrl, application_name: 'long-reader' });
    await reader.connect();
    await appendAll(bed.client, customerEvents({ count: 1_500, customers: 250, seed: 61 }));
  });
  afterEach(async () => {
    await reader.query('rollback').catch(() => undefined);
    await reader.end();
    await bed.close();
  });

  const active = async () =>
    (
      await bed.pool.query<{ active_version: number | null }>(
        `select active_version from projectionist.projections where name = $1`,
        [name],
      )
    ).rows[0]?.active_version ?? null;
  const audit = async () =>
    (
      await bed.pool.query<{ from_version: number | null; to_version: number; actor: string }>(
        `select from_version, to_version, actor from projectionist.audit where name = $1 order by id`,
        [name],
      )
    ).rows;

  /** A reader's transaction that holds the stable view: no switch can drop it until it ends. */
  const holdTheView = async () => {
    await reader.query('begin');
    await reader.query('select count(*) from customer_directory.customers');
  };
  /** Until a session other than the reader waits for the view's lock: a switch is retrying. */
  const switchWaitsForTheView = () =>
    eventually(
      async () => {
        const waiting = await bed.pool.query(
          `select 1 from pg_locks where not granted and relation = 'customer_directory.customers'::regclass`,
        );
        return (waiting.rowCount ?? 0) > 0 ? true : undefined;
      },
      60_000,
      'a switch to wait for the view',
    );

  /**
   * Until the retrying switch to `version` ends: refused, as it must be, or done, which the
   * caller's next expectation shows.
   */
  const outcomeOf = async (engine: Engine, version: number) => {
    await eventually(
      async () =>
        engine.all('cutover:refused').some((e) => e.version === version) ||
        engine.all('cutover:done').some((e) => e.to === version)
          ? true
          : undefined,
      30_000,
      `the switch to v${version} to end`,
    );
    expect(engine.all('cutover:done').filter((e) => e.to === version)).toEqual([]);
    const refused = engine.all('cutover:refused').find((e) => e.version === version);
    expect(refused?.error.code).toBe('PRJ_VERSION_STATE');
    return refused?.error.message ?? '';
  };

  /** Serves `version`: v1 by the engine's first-version rule, then v2 by its auto policy. */
  const serving = async (version: 1 | 2) => {
    const first = await bed.startEngine({ definitions: [customerDirectoryV1] });
    await first.waitFor('cutover:done', (e) => e.to === 1, 60_000);
    await bed.stopEngine(first.engine);
    if (version === 1) return;
    const second = await bed.startEngine({
      definitions: two,
      cutoverPolicy: () => 'auto',
    });
    await second.waitFor('cutover:done', (e) => e.to === 2, 60_000);
    await bed.stopEngine(second.engine);
  };

  /** An engine that cuts over by itself and keeps retrying a blocked switch for a minute. */
  const autoEngine = (
    definitions: readonly ProjectionDefinition[],
    cutoverPolicy: (name: string) => CutoverPolicy = () => 'auto',
  ) =>
    bed.startEngine({
      definitions,
      cutoverPolicy,
      lockTimeoutMs: 150,
      maxWaitMs: 60_000,
      autoCutoverRetryMs: 300,
    });

  it('lets an operator’s rollback stand against an automatic cutover that was retrying on a lock', async () => {
    await serving(2);
    expect((await audit()).map((r) => [r.from_version, r.to_version])).toEqual([
      [null, 1],
      [1, 2],
    ]);
    await holdTheView();
    const engine = await autoEngine(three);
    await engine.waitFor('rebuild:verified', (e) => e.version === 3 && e.against === 2, 60_000);
    await switchWaitsForTheView();

    // The operator rolls back to v1; the rollback waits for the view holding the projection's row.
    const rolledBack = rollback({
      pool: bed.pool,
      client: bed.client,
      definitions: three,
      name,
      actor: 'bob',
      lockTimeoutMs: 30_000,
      maxWaitMs: 60_000,
    });
    await eventually(
      async () => {
        const queued = await bed.pool.query(
          `select 1 from pg_stat_activity
            where wait_event_type = 'Lock' and now() - query_start > interval '600 milliseconds'`,
        );
        return (queued.rowCount ?? 0) > 0 ? true : undefined;
      },
      30_000,
      'the rollback to wait in line for the view',
    );
    await reader.query('commit');
    expect(await rolledBack).toMatchObject({ from: 2, to: 1 });

    // The retrying switch to v3 meets a projection that changed hands under it, and leaves it.
    expect(await outcomeOf(engine, 3)).toMatch(/v1 serves reads, not v2/);
    // Tried again later, the rollback keeps it from switching at all.
    const pinned = await engine.waitFor(
      'cutover:refused',
      (e) => e.version === 3 && /rolled back/.test(e.error.message),
      30_000,
    );
    expect(pinned.error.code).toBe('PRJ_VERSION_STATE');
    await sleep(1_000);
    expect(await active()).toBe(1);
    expect(engine.all('cutover:done').filter((e) => e.to === 3)).toEqual([]);
    expect((await audit()).map((r) => [r.from_version, r.to_version, r.actor])).toEqual([
      [null, 1, expect.stringMatching(/^rebuild-engine \(first version\)/)],
      [1, 2, expect.stringMatching(/^rebuild-engine \(policy auto\)/)],
      [2, 1, 'bob'],
    ]);
  });

  it('never activates a version paused while its automatic cutover was retrying on a lock', async () => {
    await serving(1);
    await holdTheView();
    const engine = await autoEngine(two);
    await engine.waitFor('rebuild:verified', (e) => e.version === 2 && e.against === 1, 60_000);
    await switchWaitsForTheView();
    await pauseVersion({ pool: bed.pool, name, version: 2, actor: 'ops' });
    await reader.query('commit');

    expect(await outcomeOf(engine, 2)).toMatch(/v2 is paused/);
    await engine.waitFor('rebuild:stopped', (e) => e.version === 2 && e.reason === 'paused');
    await sleep(1_500);
    expect(await active()).toBe(1);
    expect(engine.all('cutover:done').filter((e) => e.to === 2)).toEqual([]);
    expect((await audit()).map((r) => r.to_version)).toEqual([1]);
  });

  it('reads the policy in the transaction: a projection turned manual while its automatic cutover retried is left to the operator', async () => {
    await serving(1);
    await holdTheView();
    let policy: CutoverPolicy = 'auto';
    const engine = await autoEngine(two, () => policy);
    await engine.waitFor('rebuild:verified', (e) => e.version === 2 && e.against === 1, 60_000);
    await switchWaitsForTheView();
    policy = 'manual';
    // The attempt waiting now decided before the change: it times out on the view (150 ms) while
    // it is held; every later one decides again.
    await sleep(500);
    await reader.query('commit');

    expect(await outcomeOf(engine, 2)).toMatch(/policy is manual/);
    await sleep(1_500);
    expect(await active()).toBe(1);
    expect(engine.all('cutover:done').filter((e) => e.to === 2)).toEqual([]);
    expect((await audit()).map((r) => r.to_version)).toEqual([1]);
  });
});
