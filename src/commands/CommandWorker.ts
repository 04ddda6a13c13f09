import {
  TransactionalConsumer,
  highWatermarks,
  type LogClient,
  type LogRecord,
  type LogTransaction,
  type SliceOutcome,
} from '../log/index.ts';
import type { Logger } from '../logger/index.ts';
import type { CommandCatalog } from './CommandCatalog.ts';
import type { CommandStateRecorder } from './CommandStateRecorder.ts';
import type { CommandStore } from './commandStore.ts';
import { processCommandSlice } from './processCommandSlice.ts';

const stateCacheLimit = 20_000;
const decidedCacheLimit = 200_000;

export type CommandWorkerOptions = {
  readonly client: LogClient;
  readonly store: CommandStore;
  readonly catalog: CommandCatalog;
  readonly recorder: CommandStateRecorder;
  readonly logger: Logger;
  /** Consumer group of the workers. Default `<prefix>.command-workers`. */
  readonly groupId?: string;
  /** First and longest wait before retrying a command of a newer version. Default 500 ms, 30 s. */
  readonly retryBackoffMs?: readonly [number, number];
  /** Consumer session timeout. Default 30 s. */
  readonly sessionTimeoutMs?: number;
};

/**
 * Drains the commands topic: upcast, validate, skip duplicates, decide, and append the events
 * and the outcome with the consumer offset in one Kafka transaction. A command of a version
 * newer than this code pauses its partition (retried with backoff) instead of being
 * dead-lettered; one that no contract accepts is dead-lettered in the same transaction.
 */
export class CommandWorker {
  readonly #options: CommandWorkerOptions;
  readonly #consumer: TransactionalConsumer;
  readonly #logger: Logger;
  /** States this worker decided on; it is the only writer of its partitions' streams. */
  readonly #states = new Map<string, unknown>();
  readonly #decided = new Set<string>();
  /** Furthest positions of events this worker appended: the recorder must reach them before a cold read. */
  #written = new Map<number, bigint>();
  readonly #waiting = new Map<number, { offset: bigint; attempt: number }>();

  constructor(options: CommandWorkerOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'command-worker' });
    this.#consumer = new TransactionalConsumer({
      client: options.client,
      groupId: options.groupId ?? `${options.client.prefix}.command-workers`,
      topic: options.client.topics.commands,
      ...(options.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: options.sessionTimeoutMs }),
      onPartitionStart: (partition) => this.#onPartitionStart(partition),
      handle: ({ partition, records, tx }) => this.#handle(partition, records, tx),
    });
  }

  start(): Promise<void> {
    return this.#consumer.start();
  }

  /** Drains: the batch in hand finishes and commits, then the worker leaves the group. */
  stop(): Promise<void> {
    return this.#consumer.stop();
  }

  /**
   * A partition taken over from another worker: its producer has fenced the previous owner, so
   * every outcome that will ever exist for earlier commands is in the events topic now. Wait
   * until the recorder has read that far, then the duplicate check and states are complete.
   */
  async #onPartitionStart(partition: number): Promise<void> {
    const target = await highWatermarks({
      client: this.#options.client,
      topic: this.#options.client.topics.events,
    });
    await this.#options.recorder.waitFor(target);
    // Another worker may have decided on these streams while the partition was away: what this
    // worker remembers of any stream may be stale, so it reads them again from the recorder.
    this.#states.clear();
    this.#decided.clear();
    this.#logger.info({ partition }, 'command partition ready');
  }

  async #handle(partition: number, records: readonly LogRecord[], tx: LogTransaction): Promise<SliceOutcome> {
    const { catalog, store, client } = this.#options;
    const ids = new Set<string>();
    const streams = new Set<string>();
    for (const r of records) {
      const id = r.headers['pj-event-id'];
      if (id !== undefined && !this.#decided.has(id)) ids.add(id);
      if (r.key !== null && !this.#states.has(r.key)) streams.add(r.key);
    }
    if (streams.size > 0 && this.#written.size > 0) await this.#options.recorder.waitFor(this.#written);
    const [known, loaded] = await Promise.all([
      store.decidedAmong([...ids]),
      store.loadStreamStates([...streams]),
    ]);
    const result = processCommandSlice({
      records,
      topic: client.topics.commands,
      catalog,
      alreadyDecided: known.size === 0 ? this.#decided : new Set([...this.#decided, ...known]),
      loadState: (streamId, aggregate) =>
        this.#states.has(streamId)
          ? this.#states.get(streamId)
          : loaded.has(streamId)
            ? loaded.get(streamId)
            : catalog.initialState(aggregate),
    });

    const positions = await tx.append(result.appends);
    if (result.deadLetters.length > 0) await tx.send(client.topics.deadLetters, result.deadLetters);
    const written = new Map(this.#written);
    for (const p of positions)
      if (p.offset + 1n > (written.get(p.partition) ?? 0n)) written.set(p.partition, p.offset + 1n);

    const onCommitted = () => {
      this.#written = written;
      if (this.#states.size > stateCacheLimit) this.#states.clear();
      if (this.#decided.size > decidedCacheLimit) this.#decided.clear();
      for (const [stream, state] of result.states) this.#states.set(stream, state);
      for (const id of result.decided) this.#decided.add(id);
      if (result.counts.deadLettered > 0)
        this.#logger.warn({ partition, count: result.counts.deadLettered }, 'commands dead-lettered');
    };

    if (result.wait === undefined) {
      this.#waiting.delete(partition);
      return { status: 'done', next: result.next, onCommitted };
    }
    return { ...this.#waitFor(partition, result.next, result.wait), onCommitted };
  }

  #waitFor(partition: number, offset: bigint, wait: { type: string; version: number; known: number }) {
    const [first, longest] = this.#options.retryBackoffMs ?? [500, 30_000];
    const previous = this.#waiting.get(partition);
    const attempt = previous?.offset === offset ? previous.attempt + 1 : 0;
    this.#waiting.set(partition, { offset, attempt });
    if (attempt === 0) {
      // Once per message, not per retry: a newer worker (or this one upgraded) will take it.
      this.#logger.warn(
        { partition, offset: offset.toString(), type: wait.type, version: wait.version, known: wait.known },
        'command is of a newer version than this worker knows; pausing the partition until a newer worker takes it',
      );
    }
    const reason = `${wait.type} v${wait.version} is newer than this worker knows (v${wait.known})`;
    return {
      status: 'wait' as const,
      next: offset,
      retryAfterMs: Math.min(longest, first * 2 ** Math.min(attempt, 10)),
      reason,
    };
  }
}
