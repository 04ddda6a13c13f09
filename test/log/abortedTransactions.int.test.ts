import { afterEach, describe, expect, it } from 'vitest';
import {
  TransactionalAppender,
  createEnvelope,
  decodeEnvelope,
  ensureTopics,
  readLog,
  type LogClient,
} from '../../src/log/index.ts';
import { testLogClient } from '../harness/testServices.ts';

const clients: LogClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});

const event = (label: string) =>
  createEnvelope({ type: 'Probe', version: 1, streamId: 'stream-0', data: { label } });

describe('reading past aborted transactions', () => {
  it('drops the records of every aborted transaction, also when a read starts inside one and at the start of another', async () => {
    const client = testLogClient();
    clients.push(client);
    await ensureTopics({ client, eventsPartitions: 1, commandsPartitions: 1, replicationFactor: 1 });
    // Two producers (a killed worker's two commands partitions) each leave a transaction that is
    // aborted: first at offset 0, second at offset 1. Then one that commits.
    const first = await new TransactionalAppender(client, `${client.prefix}.first`).connect();
    const second = await new TransactionalAppender(client, `${client.prefix}.second`).connect();
    const third = await new TransactionalAppender(client, `${client.prefix}.third`).connect();
    try {
      let release: () => void = () => {};
      const both = new Promise<void>((resolve) => (release = resolve));
      const abortFirst = first
        .transaction(async (tx) => {
          await tx.append([event('aborted-first')]);
          await both;
          throw new Error('abort');
        })
        .catch(() => undefined);
      // Let the first record land at offset 0 before the second producer writes.
      await new Promise((r) => setTimeout(r, 300));
      await second
        .transaction(async (tx) => {
          await tx.append([event('aborted-second')]);
          release();
          await abortFirst;
          throw new Error('abort');
        })
        .catch(() => undefined);
      await third.transaction((tx) => tx.append([event('committed')]));
    } finally {
      await Promise.all([first.close(), second.close(), third.close()]);
    }

    const labels = async (from: bigint) => {
      const out: string[] = [];
      for await (const batch of readLog({
        client,
        topic: client.topics.events,
        from: new Map([[0, from]]),
        until: 'latest',
      }))
        for (const r of batch.records) out.push((decodeEnvelope(r.value).data as { label: string }).label);
      return out;
    };
    expect(await labels(0n)).toEqual(['committed']);
    // Starting at offset 1: the first transaction began before, the second begins here.
    expect(await labels(1n)).toEqual(['committed']);
  });
});
