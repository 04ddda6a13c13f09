import { logClientInternals, type LogClient } from './LogClient.ts';
import type { OffsetVector } from './offsets.ts';
import { highWatermarks } from './positions.ts';
import { readLog, type LogBatch } from './readLog.ts';

export type LogFeedOptions = {
  readonly client: LogClient;
  readonly topic: string;
  /**
   * Records a reader may fall behind the feed (an empty batch counts one) before it is let go to
   * read on its own. Default 10,000: what a slow reader holds queued stays a few MB.
   */
  readonly maxBehind?: number;
  /** How long the feed's reader stays open with no one reading, in ms. Default 30 s. */
  readonly lingerMs?: number;
};

const weight = (batch: LogBatch): number => Math.max(1, batch.records.length);

/** One reader of the feed: the batches the feed read since it joined, and whether it was let go. */
class Follower {
  readonly queue: LogBatch[] = [];
  /** What `queue` holds, in records (an empty batch counts one). */
  queued = 0;
  detached = false;
  failure: unknown;
  readonly #signal: AbortSignal;
  #wake: (() => void) | undefined;
  readonly #onAbort = () => this.#wake?.();

  constructor(signal: AbortSignal) {
    this.#signal = signal;
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  push(batch: LogBatch): void {
    this.queue.push(batch);
    this.queued += weight(batch);
    this.#wake?.();
  }

  detach(failure?: unknown): void {
    this.detached = true;
    this.failure = failure;
    this.queue.length = 0;
    this.queued = 0;
    this.#wake?.();
  }

  dispose(): void {
    this.#signal.removeEventListener('abort', this.#onAbort);
  }

  /** The next batch; undefined once let go or when the signal aborts. */
  async next(): Promise<LogBatch | undefined> {
    for (;;) {
      if (this.failure !== undefined) throw this.failure;
      if (this.detached || this.#signal.aborted) return undefined;
      const batch = this.queue.shift();
      if (batch !== undefined) {
        this.queued -= weight(batch);
        return batch;
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }
}

/**
 * One read of a topic shared by every tail of a process: the live versions of all projections
 * (and the command state) take their batches from it, so each event is fetched and decoded once,
 * not once per version. A tail from positions behind the feed reads alone (its own reader) up to
 * where the feed stood when it joined, then takes the feed's batches from there: no record is
 * missed or handed over twice. A tail that falls `maxBehind` records behind (a slow flush) is let
 * go and reads alone again, so one slow version never holds up the others; it joins again when
 * it has caught up. A tail that finds no feed running and stands more than `maxBehind` records
 * behind the head reads alone to the head first, so the feed never starts behind.
 */
export class LogFeed {
  readonly #client: LogClient;
  readonly #topic: string;
  readonly #maxBehind: number;
  readonly #lingerMs: number;
  readonly #followers = new Set<Follower>();
  /** The position after the last batch handed to the followers, per partition. */
  #at: Map<number, bigint> | undefined;
  #stop: AbortController | undefined;
  #pump: Promise<void> | undefined;
  #linger: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: LogFeedOptions) {
    this.#client = options.client;
    this.#topic = options.topic;
    this.#maxBehind = Math.max(1, options.maxBehind ?? 10_000);
    this.#lingerMs = options.lingerMs ?? 30_000;
  }

  /**
   * Batches from `from` (next offset per partition) on, until `signal` aborts, as `readLog` with
   * `until: 'forever'` would give them.
   */
  async *read(options: {
    from: OffsetVector;
    signal: AbortSignal;
  }): AsyncGenerator<LogBatch, void, undefined> {
    const { signal } = options;
    const positions = new Map(options.from);
    while (!signal.aborted) {
      if (this.#pump === undefined && !this.#closed) {
        // The feed starts where its first tail stands: one far behind the head (a version that
        // restarts behind) reads alone up to the head first, so it never holds the others back.
        const head = await highWatermarks({ client: this.#client, topic: this.#topic });
        const lag = [...head].reduce((sum, [p, high]) => {
          const at = positions.get(p) ?? 0n;
          return high > at ? sum + Number(high - at) : sum;
        }, 0);
        if (lag > this.#maxBehind) {
          yield* this.#readAlone({ positions, until: head, signal });
          continue;
        }
      }
      const follower = new Follower(signal);
      const joinedAt = this.#join(follower, positions);
      if (joinedAt === undefined) return;
      try {
        // Behind the feed: read alone up to where it stood at the join (its batches from there are queued).
        const behind = [...joinedAt].filter(([p, at]) => (positions.get(p) ?? 0n) < at).map(([p]) => p);
        if (behind.length > 0) {
          const until = new Map(behind.map((p) => [p, joinedAt.get(p) ?? 0n]));
          yield* this.#readAlone({ positions, until, signal, partitions: behind });
        }
        for (;;) {
          const batch = await follower.next();
          if (batch === undefined) break;
          const from = positions.get(batch.partition) ?? 0n;
          if (batch.next <= from) continue;
          const records = batch.records.filter((r) => r.offset >= from);
          yield records.length === batch.records.length ? batch : { ...batch, records };
          positions.set(batch.partition, batch.next);
        }
      } finally {
        follower.dispose();
        this.#leave(follower);
      }
    }
  }

  /** A reader of one tail's own, from `positions` up to `until`, moving `positions` on. */
  async *#readAlone(options: {
    positions: Map<number, bigint>;
    until: OffsetVector;
    signal: AbortSignal;
    partitions?: readonly number[];
  }): AsyncGenerator<LogBatch, void, undefined> {
    const { positions, until, signal, partitions } = options;
    const batches = readLog({
      client: this.#client,
      topic: this.#topic,
      partitions,
      from: positions,
      until,
      signal,
    });
    for await (const batch of batches) {
      yield batch;
      if (batch.next > (positions.get(batch.partition) ?? 0n)) positions.set(batch.partition, batch.next);
    }
  }

  /** Stops the feed's reader; tails reading from it end as if their signal aborted. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const follower of this.#followers) follower.detach();
    this.#followers.clear();
    await this.#stopReader();
  }

  /**
   * Registers `follower`; answers where the feed stands (starting it at `positions` if it is not
   * running), or undefined once the feed is closed.
   */
  #join(follower: Follower, positions: OffsetVector): OffsetVector | undefined {
    if (this.#closed) {
      follower.dispose();
      return undefined;
    }
    clearTimeout(this.#linger);
    this.#followers.add(follower);
    if (this.#pump === undefined) this.#startReader(positions);
    return new Map(this.#at);
  }

  #leave(follower: Follower): void {
    this.#followers.delete(follower);
    if (this.#followers.size > 0 || this.#pump === undefined) return;
    clearTimeout(this.#linger);
    this.#linger = setTimeout(() => void this.#stopReader(), this.#lingerMs);
    this.#linger.unref();
  }

  #startReader(from: OffsetVector): void {
    const stop = new AbortController();
    this.#stop = stop;
    this.#at = new Map(from);
    const batches = readLog({
      client: this.#client,
      topic: this.#topic,
      from,
      signal: stop.signal,
      prefetch: 4,
    });
    // The pump's finally compares against this; it runs only after an await, once assigned.
    let pump: Promise<void> | undefined = undefined;
    pump = (async () => {
      try {
        for await (const batch of batches) {
          this.#at?.set(batch.partition, batch.next);
          for (const follower of this.#followers) {
            if (follower.queued >= this.#maxBehind) {
              // Let go: it reads alone from where it is, and joins again once caught up.
              follower.detach();
              this.#followers.delete(follower);
            } else follower.push(batch);
          }
        }
      } catch (error) {
        for (const follower of this.#followers) follower.detach(error);
        this.#followers.clear();
      } finally {
        if (this.#pump === pump) {
          this.#pump = undefined;
          this.#at = undefined;
          this.#stop = undefined;
        }
        // Stopped while someone joined (the linger ran out as they came): they join again, and
        // start a reader of their own.
        for (const follower of this.#followers) follower.detach();
        this.#followers.clear();
      }
    })();
    this.#pump = pump;
  }

  async #stopReader(): Promise<void> {
    clearTimeout(this.#linger);
    const pump = this.#pump;
    this.#stop?.abort();
    await pump;
  }
}

const feeds = new WeakMap<LogClient, Map<string, LogFeed>>();

/**
 * Batches of `topic` from `from` on, until `signal` aborts: a live tail. Read through the one
 * feed of that topic this client holds (made at the first call, closed with the client), or by
 * a reader of its own when the client was made with `sharedTail: false`.
 */
export const tailTopic = (options: {
  client: LogClient;
  topic: string;
  from: OffsetVector;
  signal: AbortSignal;
}): AsyncGenerator<LogBatch, void, undefined> => {
  const { client, topic } = options;
  const internals = logClientInternals(client);
  if (!internals.sharedTail) return readLog({ ...options, until: 'forever', prefetch: 4 });
  let byTopic = feeds.get(client);
  if (byTopic === undefined) {
    byTopic = new Map();
    feeds.set(client, byTopic);
  }
  let feed = byTopic.get(topic);
  if (feed === undefined) {
    const made = new LogFeed({ client, topic });
    feed = made;
    byTopic.set(topic, made);
    internals.onClose(() => made.close());
  }
  return feed.read(options);
};
