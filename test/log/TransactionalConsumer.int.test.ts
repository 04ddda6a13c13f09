import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Appender,
  TransactionalConsumer,
  ensureTopics,
  type ConsumerHealth,
  type LogClient,
  type LogRecord,
  readGroupOffsets,
  readLog,
} from '../../src/log/index.ts';
import { eventually } from '../harness/testEnv.ts';
import { testLogClient } from '../harness/testServices.ts';

describe('a transactional consumer', () => {
  let client: LogClient;

  beforeAll(async () => {
    client = testLogClient();
    await ensureTopics({ client, eventsPartitions: 1, commandsPartitions: 1, replicationFactor: 1 });
  });
  afterAll(async () => {
    await client.close();
  });

  it('starts again after a crash kafkajs does not restart from, and reports down then up', async () => {
    const appender = await new Appender(client).connect();
    await appender.send(client.topics.commands, [{ key: 'k', value: Buffer.from('one'), headers: {} }]);
    await appender.close();

    const handled: LogRecord[] = [];
    const health: ConsumerHealth[] = [];
    let calls = 0;
    const consumer = new TransactionalConsumer({
      client,
      groupId: `${client.prefix}.crash-test`,
      topic: client.topics.commands,
      sessionTimeoutMs: 6_000,
      restartBackoff: { minMs: 200, maxMs: 1_000 },
      onHealth: (h) => health.push(h),
      // An error kafkajs reads as not retriable (a fenced producer's is one) stops its consumer for good.
      handle: async ({ records }) => {
        calls++;
        if (calls === 1) throw Object.assign(new Error('producer fenced'), { retriable: false });
        handled.push(...records);
        return { status: 'done', next: (records.at(-1)?.offset ?? 0n) + 1n };
      },
    });
    await consumer.start();
    try {
      await eventually(async () => (handled.length > 0 ? true : undefined), 30_000, 'the record handled');
      expect(handled.map((r) => r.value?.toString())).toEqual(['one']);
      expect(calls).toBe(2);
      await eventually(async () => (consumer.health.status === 'up' ? true : undefined), 10_000, 'up');
      const statuses = health.map((h) => (h.status === 'down' ? `down: ${h.reason}` : 'up'));
      expect(statuses).toContain('down: producer fenced');
      expect(statuses.at(-1)).toBe('up');
    } finally {
      await consumer.stop();
    }
  });

  it('commits the offset a handler stopped at, not the end of its slice, with what it appended', async () => {
    const own = testLogClient();
    await ensureTopics({ client: own, eventsPartitions: 1, commandsPartitions: 1, replicationFactor: 1 });
    const appender = await new Appender(own).connect();
    const values = ['a', 'b', 'c', 'd', 'e'];
    await appender.send(
      own.topics.commands,
      values.map((v) => ({ key: 'k', value: Buffer.from(v), headers: {} })),
    );
    await appender.close();
    const groupId = `${own.prefix}.short-slices`;
    const offsetsSeen: bigint[] = [];
    let calls = 0;
    const consumer = new TransactionalConsumer({
      client: own,
      groupId,
      topic: own.topics.commands,
      sessionTimeoutMs: 6_000,
      // 1st call: nothing handled (waits at its first record); 2nd: two handled, then waits;
      // after that everything. Each handled record is appended to the events topic.
      handle: async ({ records, tx }) => {
        calls++;
        const first = records[0]?.offset ?? 0n;
        const take = calls === 1 ? 0 : calls === 2 ? 2 : records.length;
        const handled = records.slice(0, take);
        await tx.send(
          own.topics.events,
          handled.map((r) => ({ key: 'k', value: r.value ?? Buffer.alloc(0), headers: {} })),
        );
        const next = first + BigInt(take);
        if (take < records.length) {
          const offsets = await readGroupOffsets({ client: own, groupId, topic: own.topics.commands });
          offsetsSeen.push(offsets.get(0) ?? -1n);
          return { status: 'wait', next, retryAfterMs: 100, reason: 'test' };
        }
        return { status: 'done', next };
      },
    });
    await consumer.start();
    try {
      await eventually(
        async () => {
          const offsets = await readGroupOffsets({ client: own, groupId, topic: own.topics.commands });
          return offsets.get(0) === 5n ? true : undefined;
        },
        30_000,
        'every record committed',
      );
      // A slice that handled nothing commits nothing; the second stopped after two, the third ended it.
      expect(offsetsSeen).toEqual([-1n, -1n]);
      const appended: string[] = [];
      for await (const batch of readLog({ client: own, topic: own.topics.events, until: 'latest' }))
        appended.push(...batch.records.map((r) => r.value?.toString() ?? ''));
      expect(appended).toEqual(values);
      expect(calls).toBe(3);
    } finally {
      await consumer.stop();
      await own.close();
    }
  });
});
