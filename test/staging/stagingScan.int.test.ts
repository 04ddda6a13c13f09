import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractRegistry } from '../../events/index.ts';
import { projections } from '../../projections/index.ts';
import { exitCodes } from '../../src/cli/exitCodes.ts';
import { Appender, createEnvelope, ensureTopics, type LogClient } from '../../src/log/index.ts';
import { refreshStaging } from '../../src/staging/index.ts';
import { testEnv } from '../harness/testEnv.ts';
import { testLogClient, testPrefix, useTestDatabase } from '../harness/testServices.ts';
import { runCli, type CliRun } from '../cli/support/runCli.ts';
import { buildProduction } from './fixtures/buildProduction.ts';
import { canaries } from './fixtures/canaries.ts';
import { stagingKey as key } from './fixtures/stagingKeys.ts';

type Hit =
  | {
      in: 'database';
      schema: string;
      table: string;
      column: string;
      key: string;
      canary: { value: string; line: number };
    }
  | {
      in: 'topic';
      topic: string;
      partition: number;
      offset: string;
      field: string;
      canary: { value: string; line: number };
    };
type Scan = {
  clean: boolean;
  canaries: number;
  hits: Hit[];
  database?: { tables: number };
  topics?: { names: string[]; records: number };
};

const documentOf = (run: CliRun): Scan => {
  try {
    return JSON.parse(run.stdout) as Scan;
  } catch {
    throw new Error(
      `stdout is not one JSON document: ${run.stdout.slice(0, 500)}\nstderr: ${run.stderr.slice(-1500)}`,
    );
  }
};

/** The canary file an operator keeps: the personal values planted in production. */
const canaryFile = [
  canaries.email,
  '',
  canaries.name,
  canaries.phone,
  canaries.identifier,
  '  Quuxenburg  ',
  canaries.address,
].join('\n');

describe('staging scan', () => {
  let client: LogClient;
  let stagingLog: LogClient;
  let production: pg.Pool;
  let staging: pg.Pool;
  let env: Record<string, string>;
  let dir: string;

  beforeAll(async () => {
    client = testLogClient(testPrefix('prod'));
    stagingLog = client.forPrefix(testPrefix('stg'));
    await ensureTopics({ client, eventsPartitions: 2, commandsPartitions: 1, replicationFactor: 1 });
    const appender = await new Appender(client).connect();
    await appender.append([
      createEnvelope({
        type: 'CustomerRegistered',
        version: 3,
        streamId: canaries.identifier,
        data: {
          firstName: 'Zyxquorth',
          lastName: 'Qwimblethorpe',
          email: canaries.email,
          phone: canaries.phone,
          birthDate: canaries.dateOfBirth,
          address: {
            street: canaries.address,
            postalCode: canaries.postalCode,
            city: canaries.city,
            country: 'NL',
          },
          marketingOptIn: true,
        },
      }),
    ]);
    await appender.close();
    production = new pg.Pool({ connectionString: await useTestDatabase(), max: 2 });
    const definition = projections.find((p) => p.name === 'customer-directory' && p.version === 2);
    if (definition === undefined) throw new Error('customer-directory v2 is not deployed');
    await buildProduction({ pool: production, client, definitions: [definition] });
    const stagingUrl = await useTestDatabase();
    staging = new pg.Pool({ connectionString: stagingUrl, max: 2 });
    // Open every connection now, so connections the pool keeps are not counted as leaks.
    await Promise.all([1, 2].map(() => staging.query('select pg_sleep(0.05)')));
    await refreshStaging({
      production,
      staging,
      client,
      stagingLog,
      registry: contractRegistry,
      definitions: [definition],
      key,
    });
    env = testEnv(stagingUrl, client.prefix, {
      PROJECTIONIST_STAGING_DATABASE_URL: stagingUrl,
      PROJECTIONIST_STAGING_TOPIC_PREFIX: stagingLog.prefix,
    });
    dir = await mkdtemp(join(tmpdir(), 'canary-'));
    await writeFile(join(dir, 'canaries.txt'), canaryFile);
  }, 60_000);
  afterAll(async () => {
    await staging.end();
    await production.end();
    await stagingLog.close();
    await client.close();
  });

  const scan = (extra: string[] = []) =>
    runCli(['staging', 'scan', '--canary', join(dir, 'canaries.txt'), ...extra], env);

  it('is clean (exit 0) on an anonymized staging database and topic', async () => {
    const run = await scan(['--json']);
    expect(run.code, run.stderr).toBe(exitCodes.ok);
    const doc = documentOf(run);
    expect(doc).toMatchObject({ clean: true, canaries: 6, hits: [] });
    expect(doc.database?.tables).toBeGreaterThan(3);
    expect(doc.topics?.names).toContain(stagingLog.topics.events);
    expect(doc.topics?.records).toBe(1);
    const text = await scan();
    expect(text.code).toBe(exitCodes.ok);
    expect(text.stdout).toContain('clean: no canary value found');
  });

  it('finds a canary planted in a staging table and in the staging topic (exit 3), naming where', async () => {
    const [row] = (
      await staging.query<{ id: string }>(`select id from customer_directory__v2.customers limit 1`)
    ).rows;
    if (row === undefined) throw new Error('the staging customers table is empty');
    await staging.query(`update customer_directory__v2.customers set email = $1 where id = $2`, [
      `Leaked ${canaries.email.toUpperCase()}`,
      row.id,
    ]);
    const appender = await new Appender(stagingLog).connect();
    const [planted] = await appender.append([
      createEnvelope({
        type: 'CustomerEmailChanged',
        version: 1,
        streamId: 'psd_planted',
        data: { email: `someone@example.invalid` },
        metadata: { note: `call ${canaries.city}` },
      }),
    ]);
    await appender.close();
    try {
      const run = await scan(['--json']);
      expect(run.code, run.stderr).toBe(exitCodes.refused);
      const doc = documentOf(run);
      expect(doc.clean).toBe(false);
      expect(doc.hits).toEqual([
        {
          in: 'database',
          schema: 'customer_directory__v2',
          table: 'customers',
          column: 'email',
          key: JSON.stringify({ id: row.id }),
          canary: { value: canaries.email, line: 1 },
        },
        {
          in: 'topic',
          topic: stagingLog.topics.events,
          partition: planted?.partition,
          offset: planted?.offset.toString(),
          field: 'value',
          canary: { value: 'Quuxenburg', line: 6 },
        },
      ]);
      const text = await scan();
      expect(text.code).toBe(exitCodes.refused);
      expect(text.stdout).toContain(`customer_directory__v2.customers.email {"id":"${row.id}"}`);
      expect(text.stdout).toContain(
        `${stagingLog.topics.events}[${planted?.partition}]@${planted?.offset} value`,
      );
      expect(text.stdout).toContain('LEAK: 2 place(s) hold a canary value');
    } finally {
      await staging.query(
        `update customer_directory__v2.customers set email = 'x@example.invalid' where id = $1`,
        [row.id],
      );
    }
  });

  it('exits 2 with the usage for a missing flag, an unreadable or empty canary file, and nothing to scan', async () => {
    const missing = await runCli(['staging', 'scan'], env);
    expect(missing.code).toBe(exitCodes.usage);
    expect(missing.stderr).toContain('staging scan: missing --canary');
    expect(missing.stderr).toContain('usage: projectionist staging scan --canary <canary>');
    const absent = await runCli(['staging', 'scan', '--canary', join(dir, 'nope.txt'), '--json'], env);
    expect(absent.code).toBe(exitCodes.usage);
    expect(absent.stderr).toContain('cannot read the canary file');
    expect(absent.stderr).toContain('ENOENT');
    expect(JSON.parse(absent.stdout)).toMatchObject({ error: { code: 'PRJ_VALIDATION' } });
    await writeFile(join(dir, 'empty.txt'), '\n  \n');
    const empty = await runCli(['staging', 'scan', '--canary', join(dir, 'empty.txt')], env);
    expect(empty.code).toBe(exitCodes.usage);
    expect(empty.stderr).toContain('holds no value');
    await writeFile(join(dir, 'short.txt'), 'fine@example.com\nab\n');
    const short = await runCli(['staging', 'scan', '--canary', join(dir, 'short.txt')], env);
    expect(short.code).toBe(exitCodes.usage);
    expect(short.stderr).toContain('canary line 2');
    const nothing = await runCli(['staging', 'scan', '--canary', join(dir, 'canaries.txt')], {
      ...env,
      PROJECTIONIST_STAGING_DATABASE_URL: '',
      PROJECTIONIST_STAGING_TOPIC_PREFIX: '',
    });
    expect(nothing.code).toBe(exitCodes.usage);
    expect(nothing.stderr).toContain('PROJECTIONIST_STAGING_DATABASE_URL');
  });
});
