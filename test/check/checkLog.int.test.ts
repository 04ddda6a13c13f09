import { beforeAll, describe, expect, it } from 'vitest';
import {
  CustomerRegistered,
  OrderPlaced,
  PaymentReceived,
  RegisterCustomer,
  contractRegistry,
} from '../../events/index.ts';
import { projections } from '../../projections/index.ts';
import { reactors } from '../../reactors/index.ts';
import { checkLog, type LogCheck } from '../../src/check/index.ts';
import { exitCodes } from '../../src/cli/exitCodes.ts';
import {
  Appender,
  createEnvelope,
  encodeEnvelope,
  ensureTopics,
  type LogClient,
  type Position,
} from '../../src/log/index.ts';
import { sampleOf, sampleOfVersion } from '../../src/testing/index.ts';
import { runCli, type CliRun } from '../cli/support/runCli.ts';
import { testEnv } from '../harness/testEnv.ts';
import { testLogClient, testPrefix, useTestDatabase } from '../harness/testServices.ts';

const documentOf = (run: CliRun): LogCheck => {
  try {
    return JSON.parse(run.stdout) as LogCheck;
  } catch (error) {
    throw new Error(
      `stdout is not one JSON document: ${run.stdout.slice(0, 500)}\n${run.stderr.slice(-1500)}`,
      {
        cause: error,
      },
    );
  }
};

/** A deployment's topics, holding a good log: events of old and new versions, and commands. */
const withGoodLog = async (work: (log: { prefix: string; client: LogClient }) => Promise<void>) => {
  const prefix = testPrefix('check');
  const client = testLogClient(prefix);
  try {
    await ensureTopics({ client, eventsPartitions: 3, commandsPartitions: 3, replicationFactor: 1 });
    const appender = await new Appender(client).connect();
    try {
      const events = [
        createEnvelope({
          type: 'CustomerRegistered',
          version: 1,
          streamId: 'cus-1',
          data: sampleOfVersion(CustomerRegistered, 1),
        }),
        createEnvelope({
          type: 'CustomerRegistered',
          version: CustomerRegistered.latestVersion,
          streamId: 'cus-2',
          data: sampleOf(CustomerRegistered),
        }),
        createEnvelope({
          type: 'OrderPlaced',
          version: OrderPlaced.latestVersion,
          streamId: 'ord-1',
          data: sampleOf(OrderPlaced),
        }),
        createEnvelope({
          type: 'PaymentReceived',
          version: PaymentReceived.latestVersion,
          streamId: 'pay-1',
          data: sampleOf(PaymentReceived),
        }),
      ];
      await appender.append(events);
      const command = createEnvelope({
        type: 'RegisterCustomer',
        version: RegisterCustomer.latestVersion,
        streamId: 'cus-3',
        data: sampleOf(RegisterCustomer),
      });
      await appender.send(client.topics.commands, [encodeEnvelope(command)]);
    } finally {
      await appender.close();
    }
    await work({ prefix, client });
  } finally {
    await client.close();
  }
};

/** Appends raw records to a topic of the deployment; answers where they landed. */
const plant = async (
  client: LogClient,
  topic: string,
  records: Parameters<Appender['send']>[1],
): Promise<Position[]> => {
  const appender = await new Appender(client).connect();
  try {
    return await appender.send(topic, records);
  } finally {
    await appender.close();
  }
};

describe('projectionist check', () => {
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await useTestDatabase();
  });

  it('is clean on a good log: every record counted by type and version, exit 0', async () => {
    await withGoodLog(async ({ prefix }) => {
      const run = await runCli(['check', '--json'], testEnv(databaseUrl, prefix));
      expect(run.code, run.stderr.slice(-1500)).toBe(exitCodes.ok);
      const check = documentOf(run);
      expect(check.clean).toBe(true);
      expect(check.findings).toEqual([]);
      expect(check.findingsTotal).toBe(0);
      expect(check.types).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            topic: 'events',
            type: 'CustomerRegistered',
            version: 1,
            records: 1,
            ok: 1,
          }),
          expect.objectContaining({ topic: 'events', type: 'OrderPlaced', records: 1, ok: 1 }),
          expect.objectContaining({ topic: 'commands', type: 'RegisterCustomer', records: 1, ok: 1 }),
        ]),
      );
      expect(check.topics.map((t) => [t.topic, t.records])).toEqual([
        ['events', 4],
        ['commands', 1],
      ]);
    });
  });

  it('finds a record of a version newer than the code, with its offset and reason: exit 3', async () => {
    await withGoodLog(async ({ prefix, client }) => {
      const tooNew = createEnvelope({
        type: 'CustomerRegistered',
        version: CustomerRegistered.latestVersion + 1,
        streamId: 'cus-9',
        data: sampleOf(CustomerRegistered),
      });
      const [at] = await plant(client, client.topics.events, [encodeEnvelope(tooNew)]);
      const run = await runCli(['check', '--json'], testEnv(databaseUrl, prefix));
      expect(run.code, run.stderr.slice(-1500)).toBe(exitCodes.refused);
      const check = documentOf(run);
      expect(check.clean).toBe(false);
      expect(check.findings).toEqual([
        {
          topic: 'events',
          partition: at?.partition,
          offset: at?.offset.toString(),
          type: 'CustomerRegistered',
          version: CustomerRegistered.latestVersion + 1,
          problem: 'too-new',
          reason: `CustomerRegistered v${CustomerRegistered.latestVersion + 1} is newer than this code knows (v${CustomerRegistered.latestVersion})`,
        },
      ]);
      expect(check.types).toContainEqual(
        expect.objectContaining({
          type: 'CustomerRegistered',
          version: CustomerRegistered.latestVersion + 1,
          tooNew: 1,
        }),
      );
    });
  });

  it('finds records no contract accepts, in both topics, with their offsets and reasons: exit 3', async () => {
    await withGoodLog(async ({ prefix, client }) => {
      const invalid = createEnvelope({
        type: 'OrderPlaced',
        version: 1,
        streamId: 'ord-9',
        data: { nothing: true },
      });
      const [badEvent] = await plant(client, client.topics.events, [encodeEnvelope(invalid)]);
      const [garbage] = await plant(client, client.topics.commands, [
        { key: 'cus-9', value: Buffer.from('not json'), headers: { 'pj-type': 'RegisterCustomer' } },
      ]);
      const run = await runCli(['check', '--json'], testEnv(databaseUrl, prefix));
      expect(run.code, run.stderr.slice(-1500)).toBe(exitCodes.refused);
      const check = documentOf(run);
      expect(check.findingsTotal).toBe(2);
      const [event, command] = check.findings;
      expect(event).toMatchObject({
        topic: 'events',
        partition: badEvent?.partition,
        offset: badEvent?.offset.toString(),
        type: 'OrderPlaced',
        version: 1,
        problem: 'rejected',
      });
      expect(event?.reason).toMatch(/^OrderPlaced v1 is invalid: /);
      expect(command).toMatchObject({
        topic: 'commands',
        partition: garbage?.partition,
        offset: garbage?.offset.toString(),
        type: 'RegisterCustomer',
        version: null,
        problem: 'rejected',
        reason: 'malformed envelope: the record value is not JSON',
      });

      const text = await runCli(['check'], testEnv(databaseUrl, prefix));
      expect(text.code).toBe(exitCodes.refused);
      expect(text.stdout).toContain(`events[${badEvent?.partition}]@${badEvent?.offset}`);
      expect(text.stdout).toContain('check FAILED: 2 record(s) this code cannot read');
    });
  });

  it('reads only both ends of each partition with a sample, and reports types no projection handles', async () => {
    await withGoodLog(async ({ client }) => {
      // Planted between the first and the last record of its partition, which a sample of 2 reads alone.
      const cus = (n: number) =>
        encodeEnvelope(
          createEnvelope({
            type: 'CustomerRegistered',
            version: 1,
            streamId: 'cus-s',
            data: sampleOfVersion(CustomerRegistered, n),
          }),
        );
      const invalid = encodeEnvelope(
        createEnvelope({ type: 'CustomerRegistered', version: 1, streamId: 'cus-s', data: {} }),
      );
      await plant(client, client.topics.events, [cus(1), invalid, cus(1)]);
      const options = { client, registry: contractRegistry, definitions: projections, reactors };
      const sampled = await checkLog({ ...options, sample: 2 });
      expect(sampled.clean).toBe(true);
      const whole = await checkLog(options);
      expect(whole.findingsTotal).toBe(1);
      expect(sampled.topics[0]?.records).toBeLessThan(whole.topics[0]?.records ?? 0);
      // No projection of the example domain reads every event type: those are reported, not failed on.
      const deployed = await checkLog({
        ...options,
        definitions: projections.filter((d) => d.name !== 'order-totals' && d.name !== 'daily-revenue'),
      });
      expect(deployed.unhandled.map((u) => u.type)).toContain('PaymentReceived');
      expect(deployed.unhandled.find((u) => u.type === 'PaymentReceived')?.readBy).toContain('command side');
      expect((await checkLog({ ...options, sample: 2, definitions: [], strict: true })).clean).toBe(false);
    });
  });

  it('refuses a prefix whose topics do not exist (a clean empty log would be a false pass)', async () => {
    const run = await runCli(['check', '--json'], testEnv(databaseUrl, testPrefix('nothing')));
    expect(run.code).toBe(exitCodes.refused);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'PRJ_NOT_FOUND' } });
    const usage = await runCli(['check', '--sample', 'ten'], testEnv(databaseUrl, testPrefix('nothing')));
    expect(usage.code).toBe(exitCodes.usage);
    expect(usage.stderr).toContain("--sample must be a whole number from 1 (got 'ten')");
  });
});
