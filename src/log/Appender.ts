import type { Producer, RecordMetadata, Transaction } from 'kafkajs';
import { Partitioners } from './kafkajs.ts';
import { brokerSends } from './brokerSends.ts';
import { coalesceCalls } from './coalesceCalls.ts';
import { encodeChecked, type EncodedRecord } from './codec.ts';
import type { Envelope } from './envelope.ts';
import { logClientInternals, type LogClient } from './LogClient.ts';
import type { OffsetVector, Position } from './offsets.ts';
import { partitionFor } from './partitionFor.ts';

/**
 * Idempotence holds only while the producer itself retries: a send is retried until it lands
 * (kafkajs warns when retries are capped). Callers that must answer in bounded time race the
 * send against their own timeout.
 */
const producerDefaults = {
  allowAutoTopicCreation: false,
  createPartitioner: Partitioners.DefaultPartitioner,
  retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 5_000 },
};

type Sender = Pick<Producer, 'send'> | Pick<Transaction, 'send'>;

/**
 * Sends records with their partition chosen here (by key, Kafka's default partitioner) so the
 * position of each record can be told from the broker's base offset per partition, in requests
 * that fit the broker's limit. Answers the positions in the order of `records`.
 */
const sendRecords = async (
  client: LogClient,
  sender: Sender,
  partitionCounts: Map<string, number>,
  topic: string,
  records: readonly EncodedRecord[],
): Promise<Position[]> => {
  if (records.length === 0) return [];
  let count = partitionCounts.get(topic);
  if (count === undefined) {
    const admin = await logClientInternals(client).admin();
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    count = meta.topics[0]?.partitions.length ?? 0;
    partitionCounts.set(topic, count);
  }
  const partitionCount = count;
  const positions: Position[] = [];
  // A request's batch for one partition must fit the broker's message.max.bytes: big slices go in parts.
  for (const part of brokerSends(records)) {
    const partitions = part.map((r) => partitionFor(r.key, partitionCount));
    const metadata: RecordMetadata[] = await sender.send({
      topic,
      acks: -1,
      messages: part.map((r, i) => ({
        key: r.key,
        value: r.value,
        headers: r.headers,
        partition: partitions[i],
      })),
    });
    const base = new Map(metadata.map((m) => [m.partition, BigInt(m.baseOffset ?? '-1')]));
    const seen = new Map<number, bigint>();
    for (const partition of partitions) {
      const index = seen.get(partition) ?? 0n;
      seen.set(partition, index + 1n);
      positions.push({ partition, offset: (base.get(partition) ?? -1n) + index });
    }
  }
  return positions;
};

/**
 * Appends with an idempotent producer: a retried send never writes a record twice. Concurrent
 * sends to one topic share produce requests (coalesceCalls): while one request is in flight the
 * next calls queue and go together, in call order, so 64 HTTP requests at once cost a few produce
 * round trips rather than 64 in a row (kafkajs has no linger of its own).
 */
export class Appender {
  readonly #client: LogClient;
  readonly #producer: Producer;
  readonly #partitionCounts = new Map<string, number>();
  readonly #senders = new Map<string, (records: readonly EncodedRecord[]) => Promise<Position[]>>();

  constructor(client: LogClient) {
    this.#client = client;
    this.#producer = logClientInternals(client).kafka.producer({
      ...producerDefaults,
      idempotent: true,
      maxInFlightRequests: 1,
    });
  }

  async connect(): Promise<this> {
    await this.#producer.connect();
    return this;
  }

  /**
   * Appends envelopes to the events topic, keyed by stream id; answers their positions.
   * `schemaOf` names, for an event whose data was checked against its newest schema, that
   * schema's fingerprint (the pj-schema header; see encodeChecked).
   */
  append(envelopes: readonly Envelope[], schemaOf?: SchemaOf): Promise<Position[]> {
    return this.send(this.#client.topics.events, encodeAll(envelopes, schemaOf));
  }

  send(topic: string, records: readonly EncodedRecord[]): Promise<Position[]> {
    let sender = this.#senders.get(topic);
    if (sender === undefined) {
      sender = coalesceCalls((all) =>
        sendRecords(this.#client, this.#producer, this.#partitionCounts, topic, all),
      );
      this.#senders.set(topic, sender);
    }
    return sender(records);
  }

  async close(): Promise<void> {
    await this.#producer.disconnect();
  }
}

/** The fingerprint of the newest schema an envelope's data was checked against, if it was. */
export type SchemaOf = (envelope: Envelope) => string | undefined;

const encodeAll = (envelopes: readonly Envelope[], schemaOf: SchemaOf | undefined): EncodedRecord[] =>
  envelopes.map((envelope) => encodeChecked(envelope, schemaOf?.(envelope)));

/** What a transaction may do: produce, and commit a consumer group's offsets, atomically. */
export type LogTransaction = {
  /** As Appender.append, inside the transaction. */
  append(envelopes: readonly Envelope[], schemaOf?: SchemaOf): Promise<Position[]>;
  send(topic: string, records: readonly EncodedRecord[]): Promise<Position[]>;
  /** Commits `offsets` (next offset to read, per partition) for `groupId` inside the transaction. */
  commitOffsets(options: { groupId: string; topic: string; offsets: OffsetVector }): Promise<void>;
};

/**
 * A transactional producer (exactly-once appends for command workers). Its transactional id
 * fences older producers with the same id: a zombie worker can no longer commit.
 */
export class TransactionalAppender {
  readonly #client: LogClient;
  readonly #producer: Producer;
  readonly #partitionCounts = new Map<string, number>();

  constructor(client: LogClient, transactionalId: string) {
    this.#client = client;
    this.#producer = logClientInternals(client).kafka.producer({
      ...producerDefaults,
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 60_000,
      // A transaction begun right after the last one committed is refused with
      // CONCURRENT_TRANSACTIONS until the broker has written the last one's markers, a few
      // milliseconds: retried after 100 ms, that wait was most of a command's latency.
      retry: { ...producerDefaults.retry, initialRetryTime: 10 },
    });
  }

  async connect(): Promise<this> {
    await this.#producer.connect();
    return this;
  }

  /** Runs `work` inside one Kafka transaction: committed when it resolves, aborted when it throws. */
  async transaction<T>(work: (tx: LogTransaction) => Promise<T>): Promise<T> {
    const transaction = await this.#producer.transaction();
    const send = (topic: string, records: readonly EncodedRecord[]) =>
      sendRecords(this.#client, transaction, this.#partitionCounts, topic, records);
    try {
      const result = await work({
        send,
        append: (envelopes, schemaOf) => send(this.#client.topics.events, encodeAll(envelopes, schemaOf)),
        commitOffsets: async ({ groupId, topic, offsets }) => {
          await transaction.sendOffsets({
            consumerGroupId: groupId,
            topics: [
              {
                topic,
                partitions: [...offsets].map(([partition, offset]) => ({
                  partition,
                  offset: offset.toString(),
                })),
              },
            ],
          });
        },
      });
      await transaction.commit();
      return result;
    } catch (error) {
      if (transaction.isActive()) await transaction.abort().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.#producer.disconnect();
  }
}
