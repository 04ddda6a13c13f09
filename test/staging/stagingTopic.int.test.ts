import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractRegistry } from '../../events/index.ts';
import { projections } from '../../projections/index.ts';
import { isProjectionistError } from '../../src/errors/index.ts';
import {
  Appender,
  createEnvelope,
  decodeEnvelope,
  encodeEnvelope,
  ensureTopics,
  highWatermarks,
  partitionFor,
  readLog,
  type Envelope,
  type LogClient,
} from '../../src/log/index.ts';
import { startProjectionist, type Running } from '../../src/main.ts';
import { contractsDecoder } from '../../src/projections/index.ts';
import { createStagingFilter, refreshStaging, writeStagingTopic } from '../../src/staging/index.ts';
import { eventually, testEnv } from '../harness/testEnv.ts';
import { testLogClient, testPrefix, useTestDatabase } from '../harness/testServices.ts';
import { buildProduction } from './fixtures/buildProduction.ts';
import { findLeaks, canaries } from './fixtures/canaries.ts';
import { stagingKey as key } from './fixtures/stagingKeys.ts';

/** Customers with personal values (the fixture canaries in each), their email changes and orders. */
const productionEvents = (round: number): Envelope[] =>
  [0, 1, 2, 3, 4, 5].flatMap((i) => {
    const id = `${canaries.identifier}-${round}-${i}`;
    const address = { street: canaries.address, postalCode: canaries.postalCode, city: canaries.city };
    return [
      createEnvelope({
        type: 'CustomerRegistered',
        version: 3,
        streamId: id,
        metadata: { clientIp: canaries.ip },
        data: {
          firstName: `Zyxquorth${i}`,
          lastName: 'Qwimblethorpe',
          email: `zyx.quorth.canary+${round}.${i}@leaky-mailbox.test`,
          phone: canaries.phone,
          birthDate: canaries.dateOfBirth,
          address: { ...address, country: 'NL' },
          marketingOptIn: i % 2 === 0,
        },
      }),
      ...[1, 2, 3].map((n) =>
        createEnvelope({
          type: 'CustomerEmailChanged',
          version: 1,
          streamId: id,
          data: { email: `zyx.quorth.canary+${round}.${i}.${n}@leaky-mailbox.test` },
        }),
      ),
      createEnvelope({
        type: 'OrderPlaced',
        version: 2,
        streamId: `ord-${round}-${i}`,
        data: {
          customerId: id,
          lines: [{ sku: 'TEA-SENCHA-100', quantity: 1 + i, unitPriceCents: 899 }],
          currency: 'EUR',
          totalCents: 899 * (1 + i),
          deliveryAddress: { ...address, country: 'NL' },
          giftMessage: canaries.freeText,
        },
      }),
    ];
  });

/** What the filter must drop: an unknown type, a version newer than the code, a record that is no envelope. */
const droppedEvents = (round: number) => [
  encodeEnvelope(
    createEnvelope({
      type: 'SecretDossier',
      version: 1,
      streamId: `${canaries.identifier}-${round}-dossier`,
      data: { email: canaries.email },
    }),
  ),
  encodeEnvelope(
    createEnvelope({
      type: 'CustomerEmailChanged',
      version: 99,
      streamId: `${canaries.identifier}-${round}-0`,
      data: { email: canaries.email },
    }),
  ),
  {
    key: `${canaries.identifier}-${round}-raw`,
    value: Buffer.from(`{"email":"${canaries.email}"`),
    headers: {},
  },
];

const seed = async (client: LogClient, round: number) => {
  const appender = await new Appender(client).connect();
  try {
    await appender.append(productionEvents(round));
    await appender.send(client.topics.events, droppedEvents(round));
  } finally {
    await appender.close();
  }
};

type Read = { partition: number; offset: bigint; key: string | null; envelope: Envelope };

/** Every record of a client's events topic, in partition and offset order. */
const readAll = async (client: LogClient): Promise<Read[]> => {
  const out: Read[] = [];
  for await (const batch of readLog({ client, topic: client.topics.events, until: 'latest' }))
    for (const r of batch.records) {
      let envelope: Envelope;
      try {
        envelope = decodeEnvelope(r.value);
      } catch {
        envelope = { type: '(not an envelope)' } as Envelope;
      }
      out.push({ partition: r.partition, offset: r.offset, key: r.key, envelope });
    }
  return out.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset));
};

/** The production log through a fresh filter (same key): what the staging topic must hold, in log order per partition. */
const expectedTopic = async (client: LogClient): Promise<Envelope[]> => {
  const filter = createStagingFilter({ registry: contractRegistry, key });
  const upcast = contractsDecoder(contractRegistry);
  const out: Envelope[] = [];
  for (const { envelope } of await readAll(client)) {
    const verdict = filter.filter(envelope);
    if (verdict.status === 'pass' && upcast(verdict.envelope).status === 'ok') out.push(verdict.envelope);
  }
  return out;
};

const byStream = (envelopes: readonly Envelope[]) => {
  const streams = new Map<string, string[]>();
  for (const e of envelopes) streams.set(e.streamId, [...(streams.get(e.streamId) ?? []), e.eventId]);
  return streams;
};

/** Every row of every projection version's tables, as sorted JSON per table. */
const readModels = async (pool: pg.Pool, schemas: readonly string[]) => {
  const tables = await pool.query<{ schema: string; table: string }>(
    `select table_schema as schema, table_name as table from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema = any($1) order by 1, 2`,
    [schemas],
  );
  const out: Record<string, string[]> = {};
  for (const t of tables.rows) {
    const rows = await pool.query<{ row: string }>(
      `select row_to_json(r)::text as row from "${t.schema}"."${t.table}" r`,
    );
    out[`${t.schema}.${t.table}`] = rows.rows.map((r) => r.row).sort();
  }
  return out;
};

const versionSchemas = async (pool: pg.Pool): Promise<string[]> =>
  (
    await pool.query<{ s: string }>(
      `select nspname as s from pg_namespace where nspname like '%\\_\\_v%' order by 1`,
    )
  ).rows.map((r) => r.s);

describe('the staging topic', () => {
  let client: LogClient;
  let production: pg.Pool;
  const definitions = projections.filter((p) => !(p.name === 'customer-directory' && p.version === 1));

  beforeAll(async () => {
    client = testLogClient(testPrefix('prod'));
    await ensureTopics({ client, eventsPartitions: 3, commandsPartitions: 2, replicationFactor: 1 });
    await seed(client, 1);
    production = new pg.Pool({ connectionString: await useTestDatabase(), max: 4 });
    await Promise.all([1, 2, 3, 4].map(() => production.query('select pg_sleep(0.05)')));
    await buildProduction({ pool: production, client, definitions });
  });
  afterAll(async () => {
    await production.end();
    await client.close();
  });

  const refresh = (staging: pg.Pool, stagingLog: LogClient) =>
    refreshStaging({ production, staging, client, registry: contractRegistry, definitions, key, stagingLog });

  it('holds exactly the events that passed the filter, anonymized as in the staging database, each stream in order, and a staging deployment on it builds the same read models', async () => {
    const stagingUrl = await useTestDatabase();
    const staging = new pg.Pool({ connectionString: stagingUrl, max: 4 });
    const stagingLog = client.forPrefix(testPrefix('stg'));
    let deployment: Running | undefined;
    try {
      const result = await refresh(staging, stagingLog);
      const expected = await expectedTopic(client);
      expect(expected.length).toBe(30); // 6 customers x (1 registration + 3 changes + 1 order)
      const actual = await readAll(stagingLog);
      expect(result.topic).toMatchObject({
        topic: stagingLog.topics.events,
        written: 30,
        refused: 0,
        read: 33,
      });
      expect(result.summary.passed).toBe(30);
      expect(result.summary.dropped).toBe(3);

      // exactly the passed events, transformed as the filter does, nothing else
      const sortById = (es: readonly Envelope[]) =>
        [...es].sort((a, b) => a.eventId.localeCompare(b.eventId));
      expect(sortById(actual.map((r) => r.envelope))).toEqual(sortById(expected));
      // same per-stream order, each stream in the one partition its pseudonym hashes to
      expect(byStream(actual.map((r) => r.envelope))).toEqual(byStream(expected));
      for (const r of actual) {
        expect(r.key).toBe(r.envelope.streamId);
        expect(r.partition).toBe(partitionFor(r.envelope.streamId, 3));
      }
      // fail-closed: no personal value of production, nothing of the dropped records
      for (const r of actual) expect(findLeaks(`${r.key} ${JSON.stringify(r.envelope)}`)).toEqual([]);
      expect(actual.some((r) => r.envelope.type === 'SecretDossier' || r.envelope.version === 99)).toBe(
        false,
      );

      // the staging database was built from that topic: its customers are the topic's streams
      const ids = (
        await staging.query<{ id: string }>(`select id from customer_directory.customers`)
      ).rows.map((r) => r.id);
      const registered = actual
        .filter((r) => r.envelope.type === 'CustomerRegistered')
        .map((r) => r.envelope.streamId);
      expect(ids.sort()).toEqual(registered.sort());

      // a staging deployment (its own prefix and database) running on the topic builds the same read models
      const schemas = await versionSchemas(staging);
      expect(schemas.length).toBe(result.projections.length);
      const deploymentUrl = await useTestDatabase();
      const deploymentDb = new pg.Pool({ connectionString: deploymentUrl, max: 2 });
      try {
        deployment = await startProjectionist({
          env: testEnv(deploymentUrl, stagingLog.prefix, {
            PROJECTIONIST_ENVIRONMENT: 'staging',
          }),
          engine: true,
          http: false,
          workers: false,
          engineOptions: { pollMs: 200 },
        });
        const want = await readModels(staging, schemas);
        expect(Object.values(want).flat().length).toBeGreaterThan(10);
        const equal = async () => {
          const got = await readModels(deploymentDb, schemas).catch(() => undefined);
          return JSON.stringify(got) === JSON.stringify(want) ? got : undefined;
        };
        await eventually(equal, 60_000, 'the staging deployment to build the refresh read models');

        // a second refresh appends only the new production events (exactly once), and both follow
        await seed(client, 2);
        const again = await refresh(staging, stagingLog);
        expect(again.topic).toMatchObject({ written: 30, read: 33 });
        const twice = await readAll(stagingLog);
        expect(twice.length).toBe(60);
        expect(new Set(twice.map((r) => r.envelope.eventId)).size).toBe(60);
        expect(sortById(twice.map((r) => r.envelope))).toEqual(sortById(await expectedTopic(client)));
        const wantAgain = await readModels(staging, schemas);
        expect(Object.values(wantAgain).flat().length).toBeGreaterThan(Object.values(want).flat().length);
        await eventually(
          async () => {
            const got = await readModels(deploymentDb, schemas).catch(() => undefined);
            return JSON.stringify(got) === JSON.stringify(wantAgain) ? got : undefined;
          },
          60_000,
          'the staging deployment to follow the second refresh',
        );

        // a re-run with nothing new writes nothing
        const idle = await refresh(staging, stagingLog);
        expect(idle.topic).toMatchObject({ written: 0, read: 0 });
        expect((await readAll(stagingLog)).length).toBe(60);
      } finally {
        await deployment?.stop();
        await deploymentDb.end();
      }
    } finally {
      await stagingLog.close();
      await staging.end();
    }
  }, 180_000);

  it('resumes a copy that stopped part way without writing an event twice', async () => {
    const staging = new pg.Pool({ connectionString: await useTestDatabase(), max: 4 });
    const stagingLog = client.forPrefix(testPrefix('stg'));
    try {
      await ensureTopics({
        client: stagingLog,
        eventsPartitions: 3,
        commandsPartitions: 1,
        replicationFactor: 1,
      });
      const end = await highWatermarks({ client, topic: client.topics.events });
      // as if the first run crashed after the first half of every partition
      const half = new Map([...end].map(([p, o]) => [p, o / 2n]));
      const partial = await writeStagingTopic({
        client,
        staging: stagingLog,
        filter: createStagingFilter({ registry: contractRegistry, key }),
        upcast: contractsDecoder(contractRegistry),
        until: half,
      });
      expect(partial.written).toBeGreaterThan(0);
      const result = await refresh(staging, stagingLog);
      const expected = await expectedTopic(client);
      expect(partial.written + (result.topic?.written ?? 0)).toBe(expected.length);
      const actual = (await readAll(stagingLog)).map((r) => r.envelope);
      expect(actual.length).toBe(expected.length);
      expect(byStream(actual)).toEqual(byStream(expected));
    } finally {
      await stagingLog.close();
      await staging.end();
    }
  }, 60_000);

  it('refuses a staging prefix equal to production, a staging topic of unknown origin, and a database built from another topic', async () => {
    const staging = new pg.Pool({ connectionString: await useTestDatabase(), max: 2 });
    const same = client.forPrefix(client.prefix);
    const foreign = client.forPrefix(testPrefix('stg'));
    try {
      const equal = await refresh(staging, same).catch((e: unknown) => e);
      expect(isProjectionistError(equal, 'PRJ_STAGING_REFUSED')).toBe(true);
      expect(String(equal)).toContain('PROJECTIONIST_STAGING_TOPIC_PREFIX');

      await ensureTopics({
        client: foreign,
        eventsPartitions: 3,
        commandsPartitions: 1,
        replicationFactor: 1,
      });
      const appender = await new Appender(foreign).connect();
      await appender.append([
        createEnvelope({ type: 'CustomerEmailChanged', version: 1, streamId: 's', data: { email: 'a@b.c' } }),
      ]);
      await appender.close();
      const unknown = await refresh(staging, foreign).catch((e: unknown) => e);
      expect(isProjectionistError(unknown, 'PRJ_STAGING_REFUSED')).toBe(true);
      expect(String(unknown)).toContain('has no offsets');
      expect((await readAll(foreign)).length).toBe(1);

      // a database built straight from production is not built on from a staging topic, nor the other way round
      const direct = new pg.Pool({ connectionString: await useTestDatabase(), max: 2 });
      const viaTopic = new pg.Pool({ connectionString: await useTestDatabase(), max: 2 });
      const stagingLog = client.forPrefix(testPrefix('stg'));
      try {
        await refreshStaging({
          production,
          staging: direct,
          client,
          registry: contractRegistry,
          definitions,
          key,
        });
        const toTopic = await refresh(direct, stagingLog).catch((e: unknown) => e);
        expect(isProjectionistError(toTopic, 'PRJ_STAGING_REFUSED')).toBe(true);
        expect(String(toTopic)).toContain(
          `built from ${client.topics.events}, not ${stagingLog.topics.events}`,
        );
        await refresh(viaTopic, stagingLog);
        const toDirect = await refreshStaging({
          production,
          staging: viaTopic,
          client,
          registry: contractRegistry,
          definitions,
          key,
        }).catch((e: unknown) => e);
        expect(isProjectionistError(toDirect, 'PRJ_STAGING_REFUSED')).toBe(true);
        expect(String(toDirect)).toContain(
          `built from ${stagingLog.topics.events}, not ${client.topics.events}`,
        );
        expect((await refresh(viaTopic, stagingLog)).topic?.written).toBe(0);
      } finally {
        await stagingLog.close();
        await direct.end();
        await viaTopic.end();
      }
    } finally {
      await same.close();
      await foreign.close();
      await staging.end();
    }
  }, 60_000);
});
