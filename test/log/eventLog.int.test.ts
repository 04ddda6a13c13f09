import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Appender,
  TransactionalAppender,
  createEnvelope,
  decodeEnvelope,
  ensureTopics,
  findTruncation,
  assertCompleteLog,
  checkTopics,
  highWatermarks,
  partitionCount,
  readLog,
  type Envelope,
  type LogClient,
  type LogRecord,
} from '../../src/log/index.ts';
import { isProjectionistError } from '../../src/errors/index.ts';
import { truncatePartition } from '../harness/rawKafka.ts';
import { eventually } from '../harness/testEnv.ts';
import { testLogClient } from '../harness/testServices.ts';

const collect = async (iterable: AsyncIterable<{ records: readonly LogRecord[] }>): Promise<LogRecord[]> => {
  const out: LogRecord[] = [];
  for await (const batch of iterable) out.push(...batch.records);
  return out;
};

describe('the event log', () => {
  let client: LogClient;

  beforeAll(async () => {
    client = testLogClient();
    await ensureTopics({ client, eventsPartitions: 6, commandsPartitions: 3, replicationFactor: 1 });
  });
  afterAll(async () => {
    await client.close();
  });

  it('creates its topics so that the events topic keeps all history', async () => {
    expect(await checkTopics({ client })).toEqual([]);
    expect(await partitionCount({ client, topic: client.topics.events })).toBe(6);
    // a second call is a no-op, not an error
    await ensureTopics({ client, eventsPartitions: 6, commandsPartitions: 3, replicationFactor: 1 });
  });

  it('gives back 10,000 events across 6 partitions in per-stream order with every envelope field intact', async () => {
    const appender = await new Appender(client).connect();
    const streams = Array.from({ length: 200 }, (_, i) => `customer-${i}`);
    const sent: Envelope[] = [];
    try {
      for (let chunk = 0; chunk < 10; chunk++) {
        const envelopes = Array.from({ length: 1_000 }, (_, i) => {
          const n = chunk * 1_000 + i;
          return createEnvelope({
            type: n % 3 === 0 ? 'OrderPlaced' : 'PaymentReceived',
            version: 1 + (n % 2),
            streamId: streams[n % streams.length] ?? 'x',
            data: { n, amount: n * 1.5, note: `héllo ${n}`, nested: { list: [n, n + 1] } },
            causationId: n % 5 === 0 ? null : `cmd-${n}`,
            correlationId: `corr-${n % 7}`,
            metadata: { source: 'test' },
          });
        });
        const positions = await appender.append(envelopes);
        expect(positions).toHaveLength(1_000);
        sent.push(...envelopes);
      }
    } finally {
      await appender.close();
    }

    const records = await collect(readLog({ client, topic: client.topics.events, until: 'latest' }));
    expect(records).toHaveLength(10_000);
    expect(new Set(records.map((r) => r.partition)).size).toBe(6);

    const byId = new Map(sent.map((e) => [e.eventId, e]));
    const perStream = new Map<string, number[]>();
    for (const record of records) {
      const envelope = decodeEnvelope(record.value);
      expect(envelope).toEqual(byId.get(envelope.eventId));
      expect(record.key).toBe(envelope.streamId);
      expect(record.headers['pj-type']).toBe(envelope.type);
      expect(record.headers['pj-version']).toBe(String(envelope.version));
      const list = perStream.get(envelope.streamId) ?? [];
      list.push((envelope.data as { n: number }).n);
      perStream.set(envelope.streamId, list);
    }
    expect(perStream.size).toBe(200);
    for (const ns of perStream.values()) expect(ns).toEqual([...ns].sort((a, b) => a - b));
  });

  it('hides an aborted transaction from a read_committed reader', async () => {
    const topic = client.topics.deadLetters;
    const before = await highWatermarks({ client, topic });
    const tx = await new TransactionalAppender(client, `${client.prefix}.tx-test`).connect();
    try {
      await expect(
        tx.transaction(async (t) => {
          await t.send(topic, [{ key: 'k', value: Buffer.from('aborted'), headers: {} }]);
          throw new Error('worker died mid-transaction');
        }),
      ).rejects.toThrow('worker died');
      await tx.transaction(async (t) => {
        await t.send(topic, [{ key: 'k', value: Buffer.from('committed'), headers: {} }]);
      });
    } finally {
      await tx.close();
    }
    // The commit's markers are written after EndTxn answers: until they are, the last stable
    // offset (what 'latest' means to a read_committed reader) may still stand before the record.
    const records = await eventually(
      async () => {
        const read = await collect(readLog({ client, topic, from: before, until: 'latest' }));
        return read.length > 0 ? read : undefined;
      },
      10_000,
      'the committed record to be readable',
    );
    expect(records.map((r) => r.value?.toString())).toEqual(['committed']);
  });

  it('stops exactly at the target offset vector', async () => {
    const topic = client.topics.events;
    const end = await highWatermarks({ client, topic });
    const target = new Map([...end].map(([p, o]) => [p, o / 2n]));
    const records = await collect(readLog({ client, topic, until: target }));
    for (const [partition, stop] of target) {
      const offsets = records.filter((r) => r.partition === partition).map((r) => r.offset);
      expect(offsets).toEqual(Array.from({ length: Number(stop) }, (_, i) => BigInt(i)));
    }
    // a window in the middle: from the halfway point to three quarters
    const from = target;
    const until = new Map([...end].map(([p, o]) => [p, (o * 3n) / 4n]));
    const middle = await collect(readLog({ client, topic, from, until }));
    const expected = [...end].reduce(
      (sum, [p]) => sum + Number((until.get(p) ?? 0n) - (from.get(p) ?? 0n)),
      0,
    );
    expect(middle).toHaveLength(expected);
    for (const r of middle) {
      expect(r.offset >= (from.get(r.partition) ?? 0n) && r.offset < (until.get(r.partition) ?? 0n)).toBe(
        true,
      );
    }
  });

  it('reports a topic with deleted records as truncated and refuses it as a complete log', async () => {
    const topic = client.topics.commands;
    const appender = await new Appender(client).connect();
    try {
      await appender.send(
        topic,
        Array.from({ length: 30 }, (_, i) => ({ key: `s-${i}`, value: Buffer.from(String(i)), headers: {} })),
      );
    } finally {
      await appender.close();
    }
    expect(await findTruncation({ client, topic })).toEqual([]);
    await assertCompleteLog({ client, topic });
    const hw = await highWatermarks({ client, topic });
    const [partition, high] = [...hw].find(([, o]) => o > 2n) ?? [0, 0n];
    await truncatePartition({ topic, partition, before: high - 1n });
    expect(await findTruncation({ client, topic })).toEqual([{ partition, earliest: high - 1n }]);
    const refusal = await assertCompleteLog({ client, topic }).catch((e: unknown) => e);
    expect(isProjectionistError(refusal, 'PRJ_LOG_TRUNCATED')).toBe(true);
  });

  it('tails the log until stopped', async () => {
    const topic = client.topics.events;
    const from = await highWatermarks({ client, topic });
    const appender = await new Appender(client).connect();
    const controller = new AbortController();
    const seen: string[] = [];
    try {
      const reading = (async () => {
        for await (const batch of readLog({ client, topic, from, signal: controller.signal })) {
          for (const r of batch.records) seen.push(decodeEnvelope(r.value).eventId);
          if (seen.length >= 3) break;
        }
      })();
      const envelopes = [1, 2, 3].map((n) =>
        createEnvelope({ type: 'T', version: 1, streamId: `s${n}`, data: { n } }),
      );
      await appender.append(envelopes);
      await reading;
      expect(seen.sort()).toEqual(envelopes.map((e) => e.eventId).sort());
    } finally {
      controller.abort();
      await appender.close();
    }
  });
});
