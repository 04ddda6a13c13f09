import type { Consumer, EachBatchPayload } from 'kafkajs';
import { TransactionalAppender, type LogTransaction } from './Appender.ts';
import type { LogClient } from './LogClient.ts';
import type { LogRecord } from './readLog.ts';
import { toLogRecord } from './toLogRecord.ts';

/** What a handler did with a slice of records. */
export type SliceOutcome =
  /** All records up to `next` (exclusive) are handled; commit there. */
  | { readonly status: 'done'; readonly next: bigint; readonly onCommitted?: () => void }
  /**
   * Handled up to `next`; the record at `next` cannot be handled by this code yet (a newer
   * message format). Commit what was done, pause the partition and retry after `retryAfterMs`.
   */
  | {
      readonly status: 'wait';
      readonly next: bigint;
      readonly retryAfterMs: number;
      readonly reason: string;
      readonly onCommitted?: () => void;
    };

export type SliceHandler = (slice: {
  readonly partition: number;
  readonly records: readonly LogRecord[];
  readonly tx: LogTransaction;
}) => Promise<SliceOutcome>;

export type TransactionalConsumerOptions = {
  readonly client: LogClient;
  readonly groupId: string;
  readonly topic: string;
  /** Most records in one transaction. Default 100. */
  readonly sliceSize?: number;
  /** How soon the group gives a silent member's partitions to others. Default 30 s. */
  readonly sessionTimeoutMs?: number;
  /** Called once per newly assigned partition before its first slice (e.g. to wait for state). */
  readonly onPartitionStart?: (partition: number) => Promise<void>;
  readonly handle: SliceHandler;
};

/**
 * Consume-transform-produce, exactly once: every slice of records is handled inside one Kafka
 * transaction that also commits the group's offset past the slice. The transactional id is per
 * input partition (`<group>.p<N>`), so whoever takes a partition over fences the previous owner:
 * a zombie's open transaction is aborted and it can never commit again.
 */
export class TransactionalConsumer {
  readonly #options: TransactionalConsumerOptions;
  readonly #consumer: Consumer;
  readonly #producers = new Map<number, Promise<TransactionalAppender>>();
  readonly #started = new Set<number>();
  readonly #resumeTimers = new Set<NodeJS.Timeout>();

  constructor(options: TransactionalConsumerOptions) {
    this.#options = options;
    this.#consumer = options.client.kafka.consumer({
      groupId: options.groupId,
      readUncommitted: false,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(3_000, Math.floor((options.sessionTimeoutMs ?? 30_000) / 3)),
      maxWaitTimeInMs: 100,
      retry: { retries: 10 },
    });
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, ({ payload }) => {
      const mine = new Set(payload.memberAssignment[options.topic] ?? []);
      for (const partition of [...this.#producers.keys()]) {
        if (!mine.has(partition)) void this.#dropProducer(partition);
      }
    });
  }

  async start(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: this.#options.topic, fromBeginning: true });
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 4,
      eachBatch: (payload) => this.#eachBatch(payload),
    });
  }

  /** Drains: stops fetching, lets the batch in hand finish and commit, leaves the group. */
  async stop(): Promise<void> {
    for (const timer of this.#resumeTimers) clearTimeout(timer);
    this.#resumeTimers.clear();
    await this.#consumer.stop();
    await this.#consumer.disconnect();
    await Promise.all([...this.#producers.keys()].map((p) => this.#dropProducer(p)));
  }

  #producer(partition: number): Promise<TransactionalAppender> {
    let producer = this.#producers.get(partition);
    if (producer === undefined) {
      const appender = new TransactionalAppender(
        this.#options.client,
        `${this.#options.groupId}.p${partition}`,
      );
      producer = appender.connect();
      this.#producers.set(partition, producer);
      producer.catch(() => this.#producers.delete(partition));
    }
    return producer;
  }

  async #dropProducer(partition: number): Promise<void> {
    const producer = this.#producers.get(partition);
    this.#producers.delete(partition);
    this.#started.delete(partition);
    await (await producer?.catch(() => undefined))?.close().catch(() => undefined);
  }

  async #eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, groupId } = this.#options;
    const partition = batch.partition;
    // Connecting the partition's producer fences any previous owner before anything is read.
    const producer = await this.#producer(partition);
    if (!this.#started.has(partition)) {
      await this.#options.onPartitionStart?.(partition);
      this.#started.add(partition);
    }
    const records = batch.messages.map((m) => toLogRecord(partition, m));
    const size = Math.max(1, this.#options.sliceSize ?? 100);
    for (let i = 0; i < records.length; i += size) {
      if (!isRunning() || isStale()) return;
      const slice = records.slice(i, i + size);
      const outcome = await producer.transaction(async (tx) => {
        const result = await this.#options.handle({ partition, records: slice, tx });
        const first = slice[0]?.offset ?? 0n;
        if (result.next > first)
          await tx.commitOffsets({ groupId, topic, offsets: new Map([[partition, result.next]]) });
        return result;
      });
      outcome.onCommitted?.();
      if (outcome.next > (slice[0]?.offset ?? 0n)) resolveOffset((outcome.next - 1n).toString());
      if (outcome.status === 'wait') {
        this.#pauseAndRetry(partition, outcome.next, outcome.retryAfterMs);
        return;
      }
      await heartbeat();
    }
  }

  #pauseAndRetry(partition: number, next: bigint, retryAfterMs: number): void {
    const { topic } = this.#options;
    this.#consumer.pause([{ topic, partitions: [partition] }]);
    this.#consumer.seek({ topic, partition, offset: next.toString() });
    const timer = setTimeout(() => {
      this.#resumeTimers.delete(timer);
      this.#consumer.resume([{ topic, partitions: [partition] }]);
    }, retryAfterMs);
    this.#resumeTimers.add(timer);
  }
}
