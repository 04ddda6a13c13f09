import { randomUUID } from 'node:crypto';
import {
  Appender,
  dropTopics,
  ensureTopics,
  highWatermarks,
  LogClient,
  type OffsetVector,
} from '../../src/log/index.ts';
import { createLogger } from '../../src/logger/index.ts';
import { exampleEvents } from './exampleEvents.ts';
import { benchBrokers } from './startBenchProjectionist.ts';

export type ExampleLog = {
  readonly client: LogClient;
  readonly prefix: string;
  /** The high watermarks once every event is appended: a replay's target. */
  readonly end: OffsetVector;
  readonly events: number;
  readonly produceMs: number;
  /** Deletes the topics and the consumer groups of the prefix, and closes the client. */
  drop(): Promise<void>;
};

/**
 * A fresh events topic (`partitions` partitions, own prefix) holding `count` example-domain
 * events (see exampleEvents), appended in large batches with the project's idempotent
 * Appender (acks=-1). Made once per bench invocation and replayed by every run.
 */
export const produceExampleLog = async (options: {
  label: string;
  count: number;
  partitions?: number;
  batch?: number;
  onProgress?: (appended: number) => void;
}): Promise<ExampleLog> => {
  const prefix = `bench-${options.label}-${randomUUID().slice(0, 8)}`;
  const client = new LogClient({
    brokers: benchBrokers,
    clientId: 'projectionist-bench',
    prefix,
    logger: createLogger({ level: 'warn' }),
  });
  const drop = async () => {
    try {
      await dropTopics({ client }).catch(() => undefined);
    } finally {
      await client.close();
    }
  };
  const started = performance.now();
  await ensureTopics({
    client,
    eventsPartitions: options.partitions ?? 6,
    commandsPartitions: 1,
    replicationFactor: 1,
  });
  const appender = await new Appender(client).connect();
  try {
    const size = options.batch ?? 10_000;
    let pending = [];
    let appended = 0;
    for (const envelope of exampleEvents({ count: options.count, tag: prefix.slice(-8) })) {
      pending.push(envelope);
      if (pending.length < size) continue;
      await appender.append(pending);
      appended += pending.length;
      pending = [];
      options.onProgress?.(appended);
    }
    if (pending.length > 0) await appender.append(pending);
  } catch (error) {
    await appender.close().catch(() => undefined);
    await drop();
    throw error;
  }
  await appender.close();
  const end = await highWatermarks({ client, topic: client.topics.events });
  return { client, prefix, end, events: options.count, produceMs: performance.now() - started, drop };
};
