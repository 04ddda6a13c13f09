import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Appender,
  createEnvelope,
  earliestOffsets,
  ensureTopics,
  highWatermarks,
  LogClient,
  readLog,
  type LogRecord,
} from '../../src/log/index.ts';
import { testLogger, testPrefix } from '../harness/testServices.ts';
import { scratchBroker, type ScratchBroker } from './support/scratchBroker.ts';

/**
 * A fresh clone's first run met a broker that had only just been formatted: right after topic
 * creation, produce and offset requests were answered NOT_LEADER_FOR_PARTITION or
 * UNKNOWN_TOPIC_OR_PARTITION, and fetchTopicOffsets threw on a topic it had no metadata for yet.
 */
describe('a freshly formatted broker', () => {
  let broker: ScratchBroker;

  beforeAll(async () => {
    broker = await scratchBroker();
    await broker.start();
  }, 180_000);
  afterAll(async () => {
    await broker.destroy();
  }, 60_000);

  it('serves produce and offset requests right after its topics are created, round after round', async () => {
    for (let round = 0; round < 5; round++) {
      const client = new LogClient({
        brokers: broker.brokers,
        clientId: 'projectionist-test',
        prefix: testPrefix(`fresh${round}`),
        logger: testLogger(),
      });
      try {
        await ensureTopics({ client, eventsPartitions: 6, commandsPartitions: 6, replicationFactor: 1 });
        const topic = client.topics.events;
        expect([...(await highWatermarks({ client, topic })).values()]).toEqual([0n, 0n, 0n, 0n, 0n, 0n]);
        expect((await earliestOffsets({ client, topic: client.topics.commands })).size).toBe(6);
        const appender = await new Appender(client).connect();
        try {
          const envelopes = Array.from({ length: 60 }, (_, i) =>
            createEnvelope({ type: 'Ping', version: 1, streamId: `s-${i}`, data: { i } }),
          );
          expect(await appender.append(envelopes)).toHaveLength(60);
        } finally {
          await appender.close();
        }
        const ends = await highWatermarks({ client, topic });
        expect([...ends.values()].reduce((a, b) => a + b, 0n)).toBe(60n);
        const records: LogRecord[] = [];
        for await (const batch of readLog({ client, topic, until: 'latest' })) records.push(...batch.records);
        expect(records).toHaveLength(60);
      } finally {
        await client.close();
      }
    }
  });
});
