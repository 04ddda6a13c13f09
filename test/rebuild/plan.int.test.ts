import { userInfo } from 'node:os';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerDirectoryV1 } from '../../projections/customer-directory/v1.ts';
import { customerDirectoryV2 } from '../../projections/customer-directory/v2.ts';
import { exitCodes } from '../../src/cli/exitCodes.ts';
import type { Statement } from '../../src/db/index.ts';
import { highWatermarks, offsetDistance, offsetVectorToJson } from '../../src/log/index.ts';
import {
  cutover,
  planRebuild,
  planRetire,
  planRollback,
  requestRebuild,
  retire,
  rollback,
  type OperationPlan,
} from '../../src/rebuild/index.ts';
import { runCli } from '../cli/support/runCli.ts';
import { testEnv } from '../harness/testEnv.ts';
import { appendAll } from '../projections/support/appendAll.ts';
import { customerEvents } from './support/customerEvents.ts';
import { registrySnapshot } from './support/registrySnapshot.ts';
import { openTestBed, type TestBed } from './support/testBed.ts';

const name = 'customer-directory';
const definitions = [customerDirectoryV1, customerDirectoryV2];
const actor = `cli:${userInfo().username}`;

type Executed = { readonly session: pg.Client; readonly text: string; readonly values: readonly unknown[] };

/**
 * Every statement any pg client of this process sends while recording, with its session: the
 * real driver's query, wrapped to write down what it is asked, then called as it is.
 */
const recordStatements = () => {
  const executed: Executed[] = [];
  const query = pg.Client.prototype.query;
  let recording = false;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [first, second] = args;
    const text = typeof first === 'string' ? first : (first as { text?: unknown } | null)?.text;
    if (recording && typeof text === 'string')
      executed.push({ session: this, text, values: Array.isArray(second) ? [...(second as unknown[])] : [] });
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  return {
    executed,
    start: () => {
      executed.length = 0;
      recording = true;
    },
    stop: () => {
      recording = false;
    },
    restore: () => {
      pg.Client.prototype.query = query;
    },
  };
};

const statementsOf = (plan: OperationPlan, from: number, to = plan.steps.length) =>
  plan.steps.slice(from, to).flatMap((s) => s.statements);

const ddl = /^(create schema|create table|create index|analyze)\b/;

/**
 * The one transaction a switch or a retirement ran: the session that set this lock_timeout, from
 * its `begin` to its `commit`, without the reads its caller's decision made under the locks
 * (selects the plan does not list).
 */
const transactionRan = (executed: readonly Executed[], lockTimeout: string, plan: readonly Statement[]) => {
  const at = executed.findIndex(
    (e) => e.text.includes("set_config('lock_timeout'") && e.values[0] === lockTimeout,
  );
  expect(at, `no transaction set lock_timeout ${lockTimeout}`).toBeGreaterThan(0);
  const session = executed[at]?.session;
  const own = executed.filter((e) => e.session === session);
  const index = own.indexOf(executed[at] as Executed);
  const begin = own.slice(0, index).findLastIndex((e) => e.text === 'begin');
  const commit = own.findIndex((e, i) => i > index && e.text === 'commit');
  const planned = new Set(plan.map((s) => s.text));
  return own
    .slice(begin, commit + 1)
    .filter((e) => planned.has(e.text) || !/^\s*select\b/i.test(e.text))
    .map((e) => ({ text: e.text, values: e.values }));
};

/** The plan's statements as they will run: the time a switch took and the time of a retirement are only known then. */
const asRun = (statements: readonly Statement[]) =>
  statements.map((s) => ({
    text: s.text,
    values: s.values.map((v): unknown =>
      typeof v === 'string' && v.startsWith('(the switch')
        ? expect.any(Number)
        : v instanceof Date
          ? expect.any(Date)
          : v,
    ),
  }));

describe('projectionist plan', () => {
  let bed: TestBed;
  let recorder: ReturnType<typeof recordStatements>;
  beforeEach(async () => {
    recorder = recordStatements();
    bed = await openTestBed('plan');
  });
  afterEach(async () => {
    recorder.stop();
    await bed.close();
    recorder.restore();
  });

  it('prints the DDL, target and cutover SQL that the rebuild and cutover then run, and the same for rollback and retire', async () => {
    const { pool, client } = bed;
    await appendAll(client, customerEvents({ count: 600, customers: 120, seed: 5 }));
    const { waitFor } = await bed.startEngine({ definitions, autoRebuild: false });
    await requestRebuild({ pool, name, version: 1, actor });
    await waitFor('cutover:done', (e) => e.to === 1);

    // The plan changes nothing, and reads PostgreSQL in a read-only transaction.
    const before = await registrySnapshot(pool, name);
    recorder.start();
    const plan = await planRebuild({ pool, client, definitions, name, version: 2, actor });
    recorder.stop();
    expect(await registrySnapshot(pool, name)).toEqual(before);
    const snapshot = recorder.executed.find(
      (e) => e.text === 'begin isolation level repeatable read read only',
    );
    expect(snapshot).toBeDefined();
    const session = recorder.executed.filter((e) => e.session === snapshot?.session).map((e) => e.text);
    const opened = session.indexOf('begin isolation level repeatable read read only');
    const planSession = session.slice(opened, session.indexOf('commit', opened) + 1);
    expect(planSession.length).toBeGreaterThan(3);
    expect(planSession.filter((t) => !/^\s*(select|begin|commit)\b/.test(t))).toEqual([]);
    expect(plan).toMatchObject({ operation: 'rebuild', status: 'building', active: 1, refusal: null });
    const head = await highWatermarks({ client, topic: client.topics.events });
    expect(plan.replay).toEqual({
      fromScratch: false,
      resumes: false,
      start: { '0': '0', '1': '0', '2': '0' },
      target: offsetVectorToJson(head),
      estimatedEvents: offsetDistance(new Map(), head).toString(),
    });
    expect(plan.checks?.map((c) => c.name)).toEqual(customerDirectoryV2.checks.map((c) => c.name));

    // The CLI prints the same plan (one JSON document), and its text shows the SQL.
    const env = testEnv(bed.databaseUrl, client.prefix);
    const cli = await runCli(['plan', name, '2', '--json'], env);
    expect(cli.code, cli.stderr.slice(-1500)).toBe(exitCodes.ok);
    expect((JSON.parse(cli.stdout) as OperationPlan).steps).toEqual(plan.steps);
    const text = await runCli(['plan', name, '2'], env);
    expect(text.stdout).toContain(
      'create view "customer_directory"."customers" as select * from "customer_directory__v2"."customers";',
    );
    expect(text.stdout).toContain(`about ${offsetDistance(new Map(), head)} events`);

    recorder.start();
    await requestRebuild({ pool, name, version: 2, actor });
    await waitFor('rebuild:caught-up', (e) => e.version === 2);
    await cutover({ pool, client, definitions, name, version: 2, actor });
    recorder.stop();
    const built = recorder.executed
      .filter((e) => ddl.test(e.text) && e.text.includes('"customer_directory__v2"'))
      .map((e) => ({ text: e.text, values: e.values }));
    // The build: tables, then the late indexes, then the statistics, exactly as planned.
    const analyzed = built.findLastIndex((s) => s.text.startsWith('analyze'));
    expect(built.slice(0, analyzed + 1)).toEqual(asRun(statementsOf(plan, 0, 3)));
    // A later run of the built version (the engine starts one to tail it) sends the same
    // if-not-exists tables and indexes again, and nothing else.
    for (const again of built.slice(analyzed + 1))
      expect(asRun(statementsOf(plan, 0, 2))).toContainEqual(again);
    const switchPlan = statementsOf(plan, 3);
    expect(transactionRan(recorder.executed, '100ms', switchPlan)).toEqual(asRun(switchPlan));

    const back = await planRollback({ pool, name, actor });
    expect(back).toMatchObject({ operation: 'rollback', version: 1, active: 2, refusal: null });
    recorder.start();
    await rollback({ pool, client, definitions, name, actor });
    recorder.stop();
    const backPlan = statementsOf(back, 0);
    expect(transactionRan(recorder.executed, '100ms', backPlan)).toEqual(asRun(backPlan));

    const refused = await planRetire({ pool, name, version: 1, actor });
    expect(refused.refusal).toContain('serves reads');
    const retirement = await planRetire({ pool, name, version: 2, actor });
    expect(retirement.refusal).toBeNull();
    recorder.start();
    await retire({ pool, name, version: 2, actor });
    recorder.stop();
    const retirePlan = statementsOf(retirement, 0);
    expect(retirePlan.some((s) => s.text === 'drop schema if exists "customer_directory__v2" cascade')).toBe(
      true,
    );
    expect(transactionRan(recorder.executed, '5000ms', retirePlan)).toEqual(asRun(retirePlan));

    // A retired version builds again from scratch, its schema dropped first; the active one is refused.
    const again = await planRebuild({ pool, client, definitions, name, version: 2, actor });
    expect(again).toMatchObject({ status: 'retired', refusal: null });
    expect(again.replay).toMatchObject({
      fromScratch: true,
      resumes: false,
      start: { '0': '0', '1': '0', '2': '0' },
    });
    expect(again.steps[0]?.statements).toEqual([
      { text: 'drop schema if exists "customer_directory__v2" cascade', values: [] },
    ]);
    expect((await planRebuild({ pool, client, definitions, name, version: 1, actor })).refusal).toBe(
      `${name} v1 serves reads; rebuild another version and cut over to it instead`,
    );

    const cliRefused = await runCli(['plan', 'retire', name, '1', '--json'], env);
    expect(cliRefused.code).toBe(exitCodes.refused);
    expect((JSON.parse(cliRefused.stdout) as OperationPlan).refusal).toContain('serves reads');
  });
});
