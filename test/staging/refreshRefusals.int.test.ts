import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractRegistry } from '../../events/index.ts';
import { projections } from '../../projections/index.ts';
import {
  Appender,
  createEnvelope,
  ensureTopics,
  findTruncation,
  highWatermarks,
  type LogClient,
} from '../../src/log/index.ts';
import { markEnvironment, migrateRegistry } from '../../src/registry/index.ts';
import { refreshStaging } from '../../src/staging/index.ts';
import { truncatePartition } from '../harness/rawKafka.ts';
import { refusalOf } from '../harness/refusalOf.ts';
import { testLogClient, useTestDatabase } from '../harness/testServices.ts';
import { stagingKey } from './fixtures/stagingKeys.ts';

const appendEvents = async (client: LogClient, count: number): Promise<void> => {
  const appender = await new Appender(client).connect();
  try {
    await appender.append(
      Array.from({ length: count }, (_, i) =>
        createEnvelope({
          type: 'CustomerEmailChanged',
          version: 1,
          streamId: `cus-${i}`,
          data: { email: `customer-${i}@example.com` },
        }),
      ),
    );
  } finally {
    await appender.close();
  }
};

const openLog = async (): Promise<LogClient> => {
  const client = testLogClient();
  await ensureTopics({ client, eventsPartitions: 1, commandsPartitions: 1, replicationFactor: 1 });
  return client;
};

/** The schemas of a database outside PostgreSQL's own, sorted. */
const schemasOf = async (pool: pg.Pool): Promise<string[]> =>
  (
    await pool.query<{ nspname: string }>(
      `select nspname from pg_namespace where nspname not like 'pg\\_%' and nspname not in ('public', 'information_schema') order by nspname`,
    )
  ).rows.map((r) => r.nspname);

const roleOf = async (pool: pg.Pool): Promise<string | undefined> => {
  if (!(await schemasOf(pool)).includes('projectionist_environment')) return undefined;
  return (await pool.query<{ role: string }>(`select role from projectionist_environment.role`)).rows[0]
    ?.role;
};

describe('staging refresh refusals', () => {
  let client: LogClient;
  let production: pg.Pool;

  beforeAll(async () => {
    client = await openLog();
    await appendEvents(client, 10);
    production = new pg.Pool({ connectionString: await useTestDatabase(), max: 2 });
    await migrateRegistry({ pool: production });
    // Open every connection now, so connections the pool keeps are not counted as leaks.
    await Promise.all([1, 2].map(() => production.query('select pg_sleep(0.05)')));
  });
  afterAll(async () => {
    await production.end();
    await client.close();
  });

  const refresh = (staging: pg.Pool, log: LogClient = client) =>
    refreshStaging({
      production,
      staging,
      client: log,
      registry: contractRegistry,
      definitions: projections,
      key: stagingKey,
    });

  const withTarget = async (use: (staging: pg.Pool) => Promise<void>): Promise<void> => {
    const staging = new pg.Pool({ connectionString: await useTestDatabase(), max: 2 });
    try {
      await use(staging);
    } finally {
      await staging.end();
    }
  };

  it('refuses a target that holds a Projectionist registry not marked staging, and leaves it unmarked', async () => {
    await withTarget(async (staging) => {
      // another deployment's database, started without PROJECTIONIST_ENVIRONMENT (so never marked)
      await migrateRegistry({ pool: staging });
      const error = await refusalOf(refresh(staging));
      expect(error.code).toBe('PRJ_STAGING_REFUSED');
      expect(error.message).toMatch(/holds a Projectionist registry/);
      expect(error.message).toMatch(/not marked staging/);
      // the registry's own (its environment table, without a mark); the refusal added nothing
      expect(await schemasOf(staging)).toEqual(['projectionist', 'projectionist_environment']);
      expect(await roleOf(staging)).toBeUndefined();
    });
  });

  it('refuses a target with a registry and an environment table that holds no mark', async () => {
    await withTarget(async (staging) => {
      await migrateRegistry({ pool: staging });
      await markEnvironment({ pool: staging, role: 'staging' });
      await staging.query(`delete from projectionist_environment.role`);
      const error = await refusalOf(refresh(staging));
      expect(error.code).toBe('PRJ_STAGING_REFUSED');
      expect(await roleOf(staging)).toBeUndefined();
    });
  });

  it('refuses a target marked production, and leaves its mark as it is', async () => {
    await withTarget(async (staging) => {
      await markEnvironment({ pool: staging, role: 'production' });
      expect((await refusalOf(refresh(staging))).code).toBe('PRJ_STAGING_REFUSED');
      await migrateRegistry({ pool: staging });
      expect((await refusalOf(refresh(staging))).code).toBe('PRJ_STAGING_REFUSED');
      expect(await roleOf(staging)).toBe('production');
    });
  });

  it('marks an empty target staging, and refreshes it again once it holds a registry', async () => {
    await withTarget(async (staging) => {
      await refresh(staging);
      expect(await roleOf(staging)).toBe('staging');
      // a staging deployment running on it keeps its own registry there
      await migrateRegistry({ pool: staging });
      await refresh(staging);
      const refreshes = await staging.query(`select 1 from projectionist_environment.refreshes`);
      expect(refreshes.rowCount).toBe(2);
    });
  });

  it('refuses a truncated events topic with PRJ_LOG_TRUNCATED and writes nothing to the target', async () => {
    const truncated = await openLog();
    try {
      await appendEvents(truncated, 5);
      const topic = truncated.topics.events;
      const high = (await highWatermarks({ client: truncated, topic })).get(0) ?? 0n;
      expect(high).toBe(5n);
      await truncatePartition({ topic, partition: 0, before: 2n });
      expect(await findTruncation({ client: truncated, topic })).toEqual([{ partition: 0, earliest: 2n }]);
      await withTarget(async (staging) => {
        const error = await refusalOf(refresh(staging, truncated));
        expect(error.code).toBe('PRJ_LOG_TRUNCATED');
        expect(error.message).toContain(topic);
        expect(await schemasOf(staging)).toEqual([]);
      });
    } finally {
      await truncated.close();
    }
  });
});
