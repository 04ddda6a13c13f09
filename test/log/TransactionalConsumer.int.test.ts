import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Appender,
  TransactionalConsumer,
  ensureTopics,
  type ConsumerHealth,
  type LogClient,
  type LogRecord,
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
});
