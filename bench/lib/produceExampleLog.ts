import { randomUUID } from 'node:crypto';
import {
  Appender,
  dropTopics,
  ensureTopics,
  highWatermarks,
  LogClient,
  type OffsetVector,
} from '../../src/log/index.ts';
import { contractRegistry } from '../../events/index.ts';
import { checkNewest } from '../../src/contracts/index.ts';
import type { Envelope } from '../../src/log/index.ts';
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
 * The pj-schema header of an example event: checked against its newest schema, as the command
 * workers check what deciders answer (undefined for an older version, which readers validate).
 */
export const exampleSchema = (envelope: Envelope): string | undefined => {
  const contract = contractRegistry.lookup('event', envelope.type);
  if (contract === undefined || envelope.version !== contract.latestVersion) return undefined;
  const checked = checkNewest(contract, envelope.data);
  if (checked.status === 'invalid')
    throw new Error(`example ${envelope.type} is invalid: ${JSON.stringify(checked.issues)}`);
  return checked.schema;
};

/**
 * A fresh events topic (`partitions` partitions, own prefix) holding `count` example-domain
 * events (see exampleEvents), appended in large batches with the project's idempotent
 * Appender (acks=-1). Made once per bench invocation and replayed by every run. Each event
 * carries its pj-schema header (exampleSchema), so a replay meets a log as the project writes one.
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
      await appender.append(pending, exampleSchema);
      appended += pending.length;
      pending = [];
      options.onProgress?.(appended);
    }
    if (pending.length > 0) await appender.append(pending, exampleSchema);
  } catch (error) {
    await appender.close().catch(() => undefined);
    await drop();
    throw error;
  }
  await appender.close();
  const end = await highWatermarks({ client, topic: client.topics.events });
  return { client, prefix, end, events: options.count, produceMs: performance.now() - started, drop };
};
