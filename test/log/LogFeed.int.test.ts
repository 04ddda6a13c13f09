import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Appender,
  LogFeed,
  createEnvelope,
  decodeEnvelope,
  ensureTopics,
  highWatermarks,
  tailTopic,
  type LogClient,
} from '../../src/log/index.ts';
import { withRawAdmin } from '../harness/rawKafka.ts';
import { eventually } from '../harness/testEnv.ts';
import { testLogClient } from '../harness/testServices.ts';

type Seen = { partition: number; offset: bigint; n: number };

/**
 * Follows `batches` until `count` records came in (then aborts `stop`), pausing `delayMs` per
 * batch (a slow flush). Answers what it saw, in the order it saw it.
 */
const follow = async (
  batches: AsyncIterable<{ records: readonly { partition: number; offset: bigint; value: Buffer | null }[] }>,
  count: number,
  stop: AbortController,
  delayMs = 0,
): Promise<Seen[]> => {
  const seen: Seen[] = [];
  for await (const batch of batches) {
    for (const record of batch.records) {
      const data = decodeEnvelope(record.value).data as { n: number };
      seen.push({ partition: record.partition, offset: record.offset, n: data.n });
    }
    if (seen.length >= count) stop.abort();
    if (delayMs > 0) await sleep(delayMs);
  }
  return seen;
};

/** Every n in [0, count) once, and offsets rising within each partition. */
const expectComplete = (seen: readonly Seen[], count: number): void => {
  expect(seen.map((s) => s.n).sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, n) => n));
  const last = new Map<number, bigint>();
  for (const { partition, offset } of seen) {
    expect(offset).toBeGreaterThan(last.get(partition) ?? -1n);
    last.set(partition, offset);
  }
};

describe('LogFeed: one shared live read of a topic', () => {
  let client: LogClient;
  let appender: Appender;
  let appended = 0;

  /** Appends `count` events numbered on from the last. */
  const append = async (count: number): Promise<void> => {
    const envelopes = Array.from({ length: count }, (_, i) =>
      createEnvelope({
        type: 'Numbered',
        version: 1,
        streamId: `stream-${(appended + i) % 37}`,
        data: { n: appended + i },
      }),
    );
    appended += count;
    await appender.append(envelopes);
  };

  /** The ids of the reader groups (one per readLog) this client's prefix has on the broker now. */
  const readerGroupIds = (): Promise<string[]> =>
    withRawAdmin(async (admin) => {
      const { groups } = await admin.listGroups();
      return groups.map((g) => g.groupId).filter((id) => id.startsWith(`${client.prefix}.reader.`));
    });
  const readerGroups = async (): Promise<number> => (await readerGroupIds()).length;

  beforeAll(async () => {
    client = testLogClient();
    await ensureTopics({ client, eventsPartitions: 4, commandsPartitions: 1, replicationFactor: 1 });
    appender = await new Appender(client).connect();
  });
  afterAll(async () => {
    await appender.close();
    await client.close();
  });

  it('hands every record to each of its tails in order, from one reader on the broker', async () => {
    const feed = new LogFeed({ client, topic: client.topics.events });
    const start = appended;
    const stops = [new AbortController(), new AbortController()];
    const from = new Map<number, bigint>();
    const tails = stops.map((stop) => follow(feed.read({ from, signal: stop.signal }), 600, stop));
    await append(200);
    await eventually(async () => ((await readerGroups()) >= 1 ? true : undefined));
    expect(await readerGroups()).toBe(1);
    await append(200);
    await append(200);
    const [a, b] = await Promise.all(tails);
    expect(start).toBe(0);
    expectComplete(a ?? [], 600);
    expect(b).toEqual(a);
    await feed.close();
  });

  it('gives a tail that joins late from offset 0 the records before the feed and after, none twice', async () => {
    const feed = new LogFeed({ client, topic: client.topics.events });
    // A tail from the head starts the feed there; the late one is behind it from the start.
    const before = appended;
    const head = await highWatermarks({ client, topic: client.topics.events });
    const holder = new AbortController();
    const held = follow(feed.read({ from: head, signal: holder.signal }), Infinity, holder);
    await append(300);
    await eventually(async () => ((await readerGroups()) >= 1 ? true : undefined));
    const late = new AbortController();
    const lateSeen = follow(feed.read({ from: new Map(), signal: late.signal }), before + 600, late);
    await append(300);
    expectComplete(await lateSeen, before + 600);
    holder.abort();
    await held;
    await feed.close();
  });

  it('lets a slow tail go to read alone and it still gets every record, without holding up the fast one', async () => {
    const feed = new LogFeed({ client, topic: client.topics.events, maxBehind: 20 });
    const total = appended + 1_000;
    const fast = new AbortController();
    const slow = new AbortController();
    const fastSeen = follow(feed.read({ from: new Map(), signal: fast.signal }), total, fast);
    const slowSeen = follow(feed.read({ from: new Map(), signal: slow.signal }), total, slow, 20);
    for (let i = 0; i < 10; i++) await append(100);
    const fastDone = await fastSeen;
    expectComplete(fastDone, total);
    expectComplete(await slowSeen, total);
    await feed.close();
  });

  it('has a tail far behind the head read alone to it before the feed starts, and the others keep up', async () => {
    const feed = new LogFeed({ client, topic: client.topics.events, maxBehind: 50 });
    const total = appended + 200;
    const head = await highWatermarks({ client, topic: client.topics.events });
    // Over 50 records behind with no feed running: it reads alone, so the feed starts at the head.
    const behind = new AbortController();
    const behindSeen = follow(feed.read({ from: new Map(), signal: behind.signal }), total, behind, 5);
    const atHead = new AbortController();
    const atHeadSeen = follow(feed.read({ from: head, signal: atHead.signal }), 200, atHead);
    await append(200);
    const fresh = await atHeadSeen;
    expect(fresh.map((s) => s.n).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => total - 200 + i),
    );
    expectComplete(await behindSeen, total);
    await feed.close();
  });

  it('ends its tails when it closes', async () => {
    const feed = new LogFeed({ client, topic: client.topics.events });
    const never = new AbortController();
    const seen = follow(feed.read({ from: new Map(), signal: never.signal }), Infinity, never);
    await eventually(async () => ((await readerGroups()) >= 1 ? true : undefined));
    await feed.close();
    // The read ends though its signal never aborted, and the feed's reader is gone from the broker.
    expect((await seen).length).toBeLessThanOrEqual(appended);
    await eventually(async () => ((await readerGroups()) === 0 ? true : undefined));
  });

  it('keeps its reader for a tail that comes back within the linger, and stops it after', async () => {
    const feed = new LogFeed({ client, topic: client.topics.events, lingerMs: 400 });
    const tailFromHead = async (count: number) => {
      const stop = new AbortController();
      const from = await highWatermarks({ client, topic: client.topics.events });
      const seen = follow(feed.read({ from, signal: stop.signal }), count, stop);
      await append(count);
      return { seen: await seen, first: appended - count };
    };
    const expectNumbered = ({ seen, first }: { seen: Seen[]; first: number }, count: number) =>
      expect(seen.map((s) => s.n).sort((a, b) => a - b)).toEqual(
        Array.from({ length: count }, (_, i) => first + i),
      );
    expectNumbered(await tailFromHead(50), 50);
    const [reader] = await readerGroupIds();
    expect(reader).toBeDefined();
    // The next tail comes while the reader lingers: it reads through the same one.
    expectNumbered(await tailFromHead(50), 50);
    expect(await readerGroupIds()).toEqual([reader]);
    // No tail for longer than the linger: the reader stops and leaves the broker.
    await eventually(async () => ((await readerGroups()) === 0 ? true : undefined));
    // A tail after that starts a reader again and misses nothing.
    expectNumbered(await tailFromHead(50), 50);
    const [again] = await readerGroupIds();
    expect(again).toBeDefined();
    expect(again).not.toBe(reader);
    await feed.close();
  });

  it('tailTopic reads through one feed per client and topic', async () => {
    const own = client.forPrefix(client.prefix);
    const total = appended + 50;
    const stops = [new AbortController(), new AbortController(), new AbortController()];
    const tails = stops.map((stop) =>
      follow(
        tailTopic({ client: own, topic: own.topics.events, from: new Map(), signal: stop.signal }),
        total,
        stop,
      ),
    );
    await append(50);
    for (const seen of await Promise.all(tails)) expectComplete(seen, total);
    // The tails have stopped; the one feed they shared lingers for the next, until the client closes.
    expect(await readerGroups()).toBe(1);
    await own.close();
    await eventually(async () => ((await readerGroups()) === 0 ? true : undefined));
  });
});
