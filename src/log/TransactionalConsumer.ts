import type { Consumer, EachBatchPayload } from 'kafkajs';
import { backoffDelay, engineDefaults } from '../config/index.ts';
import { TransactionalAppender, type LogTransaction } from './Appender.ts';
import { logClientInternals, type LogClient } from './LogClient.ts';
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
  /**
   * Called once per newly assigned partition before its first slice (e.g. to wait for state),
   * after its producer has fenced the previous owner. `transaction` runs work in a transaction
   * of that producer (no offsets committed): for what the new owner must write before it reads.
   */
  readonly onPartitionStart?: (
    partition: number,
    transaction: <T>(work: (tx: LogTransaction) => Promise<T>) => Promise<T>,
  ) => Promise<void>;
  readonly handle: SliceHandler;
  /** Told when the consumer goes down (a crash) or up (it joined its group). */
  readonly onHealth?: (health: ConsumerHealth) => void;
  /** Backoff of the restarts after a crash kafkajs does not restart from. Default 500 ms doubling to 30 s. */
  readonly restartBackoff?: { readonly minMs?: number; readonly maxMs?: number };
};

/** Whether the consumer is in its group and consuming; down with the reason otherwise. */
export type ConsumerHealth = { readonly status: 'up' } | { readonly status: 'down'; readonly reason: string };

/**
 * Consume-transform-produce, exactly once: every slice of records is handled inside one Kafka
 * transaction that also commits the group's offset past the slice. The transactional id is per
 * input partition (`<group>.p<N>`), so whoever takes a partition over fences the previous owner:
 * a zombie's open transaction is aborted and it can never commit again.
 */
export class TransactionalConsumer {
  readonly #options: TransactionalConsumerOptions;
  readonly #consumer: Consumer;
  /** Per assigned partition: its producer, connected (fencing the previous owner) and started. */
  readonly #producers = new Map<number, Promise<TransactionalAppender>>();
  readonly #assigned = new Set<number>();
  readonly #resumeTimers = new Set<NodeJS.Timeout>();
  #health: ConsumerHealth = { status: 'down', reason: 'not started' };
  #stopping = false;
  #crashes = 0;
  #restartTimer: NodeJS.Timeout | undefined;

  constructor(options: TransactionalConsumerOptions) {
    this.#options = options;
    this.#consumer = logClientInternals(options.client).kafka.consumer({
      groupId: options.groupId,
      readUncommitted: false,
      sessionTimeout: options.sessionTimeoutMs ?? engineDefaults.log.sessionTimeoutMs,
      heartbeatInterval: Math.min(
        3_000,
        Math.floor((options.sessionTimeoutMs ?? engineDefaults.log.sessionTimeoutMs) / 3),
      ),
      maxWaitTimeInMs: 100,
      retry: { retries: 10 },
    });
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, ({ payload }) => {
      const mine = new Set(payload.memberAssignment[options.topic] ?? []);
      this.#assigned.clear();
      for (const partition of mine) this.#assigned.add(partition);
      for (const partition of [...this.#producers.keys()]) {
        if (!mine.has(partition)) void this.#dropProducer(partition);
      }
      // Started at once, not at the first batch: a partition with nothing new to read still has
      // work for its new owner (onPartitionStart), and fencing the old owner should not wait.
      for (const partition of mine) this.#startEagerly(partition);
    });
  }

  /** Up once in its group; down after a crash until it is back. */
  get health(): ConsumerHealth {
    return this.#health;
  }

  /**
   * kafkajs restarts a consumer only after a retriable error; after any other (a handler that
   * threw because PostgreSQL was away) it stops for good and says so once, in CRASH. Then the
   * consumer is started again in this process with backoff: it survives its dependencies' outages.
   */
  #watchCrashes(): void {
    if (this.#watching) return;
    this.#watching = true;
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, () => {
      this.#crashes = 0;
      this.#setHealth({ status: 'up' });
    });
    this.#consumer.on(this.#consumer.events.CRASH, ({ payload }) => {
      this.#setHealth({ status: 'down', reason: payload.error.message });
      if (!payload.restart) this.#restartLater();
    });
  }

  #watching = false;

  #setHealth(health: ConsumerHealth): void {
    const before = this.#health;
    const same =
      health.status === before.status &&
      (health.status === 'up' || (before.status === 'down' && before.reason === health.reason));
    this.#health = health;
    if (!same) this.#options.onHealth?.(health);
  }

  #restartLater(): void {
    if (this.#stopping) return;
    const delay = backoffDelay({
      backoff: this.#options.restartBackoff,
      defaults: engineDefaults.log.restartBackoff,
      failures: Math.min(this.#crashes, 16),
    });
    this.#crashes++;
    logClientInternals(this.#options.client).logger.warn(
      { groupId: this.#options.groupId, delayMs: delay, crashes: this.#crashes },
      'consumer crashed; restarting',
    );
    clearTimeout(this.#restartTimer);
    this.#restartTimer = setTimeout(() => {
      void (async () => {
        // Producers of the crashed run may hold a transaction in doubt: new ones fence them.
        await Promise.all([...this.#producers.keys()].map((p) => this.#dropProducer(p)));
        if (this.#stopping) return;
        await this.#run();
      })().catch((error: unknown) => {
        this.#setHealth({ status: 'down', reason: error instanceof Error ? error.message : String(error) });
        this.#restartLater();
      });
    }, delay);
  }

  async start(): Promise<void> {
    this.#stopping = false;
    this.#watchCrashes();
    await this.#run();
  }

  async #run(): Promise<void> {
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
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    for (const timer of this.#resumeTimers) clearTimeout(timer);
    this.#resumeTimers.clear();
    await this.#consumer.stop();
    await this.#consumer.disconnect();
    await Promise.all([...this.#producers.keys()].map((p) => this.#dropProducer(p)));
  }

  /** The partition's producer, connected and started once per assignment. */
  #producer(partition: number): Promise<TransactionalAppender> {
    let producer = this.#producers.get(partition);
    if (producer === undefined) {
      const appender = new TransactionalAppender(
        this.#options.client,
        `${this.#options.groupId}.p${partition}`,
      );
      // Connecting fences any previous owner before anything is read or started.
      producer = appender.connect().then(async (connected) => {
        try {
          await this.#options.onPartitionStart?.(partition, (work) => connected.transaction(work));
        } catch (error) {
          await connected.close().catch(() => undefined);
          throw error;
        }
        return connected;
      });
      this.#producers.set(partition, producer);
      producer.catch(() => {
        if (this.#producers.get(partition) === producer) this.#producers.delete(partition);
      });
    }
    return producer;
  }

  #startEagerly(partition: number, delayMs = 0): void {
    const timer = setTimeout(() => {
      this.#resumeTimers.delete(timer);
      if (!this.#assigned.has(partition)) return;
      this.#producer(partition).catch(() => this.#startEagerly(partition, 5_000));
    }, delayMs);
    this.#resumeTimers.add(timer);
  }

  async #dropProducer(partition: number): Promise<void> {
    const producer = this.#producers.get(partition);
    this.#producers.delete(partition);
    await (await producer?.catch(() => undefined))?.close().catch(() => undefined);
  }

  async #eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, groupId } = this.#options;
    const partition = batch.partition;
    const producer = await this.#producer(partition);
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
