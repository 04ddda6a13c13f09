import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { engineDefaults } from '../config/index.ts';
import { ProjectionistError } from '../errors/index.ts';
import { chosenPartitionsAssigner } from './chosenPartitionsAssigner.ts';
import { logClientInternals, type LogClient } from './LogClient.ts';
import type { OffsetVector } from './offsets.ts';
import { earliestOffsets, highWatermarks } from './positions.ts';
import { toLogRecord } from './toLogRecord.ts';

export type LogRecord = {
  readonly partition: number;
  readonly offset: bigint;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
  /** Broker timestamp, milliseconds since the epoch, as a decimal string. */
  readonly timestamp: string;
};

/** A slice of one partition. `records` may be empty: the position moved past transaction markers. */
export type LogBatch = {
  readonly partition: number;
  readonly records: readonly LogRecord[];
  /** The position after this batch: the next offset this partition will yield. */
  readonly next: bigint;
  readonly highWatermark: bigint;
};

export type ReadLogOptions = {
  readonly client: LogClient;
  readonly topic: string;
  /** Partitions to read; default all. */
  readonly partitions?: readonly number[];
  /** Where to start per partition (next offset to read); default the earliest held offset. */
  readonly from?: OffsetVector | 'earliest';
  /**
   * Where to stop: an offset vector (exclusive), 'latest' (the high watermarks when reading
   * starts), or 'forever' to tail until stopped. Default 'forever'.
   */
  readonly until?: OffsetVector | 'latest' | 'forever';
  /** Bytes per fetch (at least one whole record batch comes back). Default engineDefaults.log.fetchMaxBytes. */
  readonly maxBytes?: number;
  /** Batches fetched ahead of the caller before the consumer stops fetching. Default 2. */
  readonly prefetch?: number;
  readonly signal?: AbortSignal;
};

type Item = { kind: 'batch'; batch: LogBatch } | { kind: 'end' } | { kind: 'error'; error: unknown };

/**
 * Reads batches of chosen partitions, read_committed, from given offsets up to a target vector
 * or forever. Backpressure: the consumer stops fetching while `prefetch` batches wait for the
 * caller. Nothing is committed anywhere: the reader's group is its own and is deleted when the
 * reader stops. Breaking out of the loop (or the signal) stops the consumer cleanly.
 */
export async function* readLog(options: ReadLogOptions): AsyncGenerator<LogBatch, void, undefined> {
  const { client, topic } = options;
  const starts =
    options.from === undefined || options.from === 'earliest'
      ? await earliestOffsets({ client, topic })
      : options.from;
  const all = [...(await highWatermarks({ client, topic })).keys()].sort((a, b) => a - b);
  const chosen = options.partitions ?? all;
  const until = options.until ?? 'forever';
  const targets: OffsetVector | undefined =
    until === 'forever' ? undefined : until === 'latest' ? await highWatermarks({ client, topic }) : until;

  const position = new Map<number, bigint>(chosen.map((p) => [p, starts.get(p) ?? 0n]));
  const open = new Set(
    chosen.filter((p) => targets === undefined || (position.get(p) ?? 0n) < (targets.get(p) ?? 0n)),
  );
  if (open.size === 0) return;

  const groupId = `${client.prefix}.reader.${randomUUID()}`;
  const maxBytes = options.maxBytes ?? engineDefaults.log.fetchMaxBytes;
  const consumer: Consumer = logClientInternals(client).kafka.consumer({
    groupId,
    partitionAssigners: [chosenPartitionsAssigner(topic, [...open])],
    readUncommitted: false,
    sessionTimeout: 60_000,
    heartbeatInterval: 3_000,
    maxBytes,
    maxBytesPerPartition: Math.max(1024 * 1024, Math.floor(maxBytes / Math.max(1, open.size))),
    maxWaitTimeInMs: 200,
    retry: { retries: 10 },
  });

  const queue: Item[] = [];
  const prefetch = Math.max(1, options.prefetch ?? 2);
  let wakeReader: (() => void) | undefined;
  let wakeWriter: (() => void) | undefined;
  const push = (item: Item) => {
    queue.push(item);
    wakeReader?.();
  };
  let ended = false;

  /** Advances a partition's position as the caller takes batches; closes it at its target. */
  const advance = (partition: number, next: bigint) => {
    if (next > (position.get(partition) ?? 0n)) position.set(partition, next);
    const target = targets?.get(partition);
    if (target !== undefined && next >= target && open.delete(partition)) {
      consumer.pause([{ topic, partitions: [partition] }]);
    }
  };
  /** The furthest position handed to the queue per partition. */
  const pushed = new Map(position);
  const pushBatch = (partition: number, records: LogRecord[], next: bigint, highWatermark: bigint) => {
    const target = targets?.get(partition);
    const clamped = target !== undefined && next > target ? target : next;
    if (records.length === 0 && clamped <= (pushed.get(partition) ?? 0n)) return;
    if (clamped > (pushed.get(partition) ?? 0n)) pushed.set(partition, clamped);
    push({ kind: 'batch', batch: { partition, records, next: clamped, highWatermark } });
  };

  // Batches of only control records or aborted messages never reach eachBatch, and a commit
  // marker may come in a fetch of its own; this event still moves the position past them (as
  // an empty batch), so a target behind a transaction marker is reached and tailers see progress.
  const removeListener = consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.topic === topic && open.has(payload.partition))
      pushBatch(payload.partition, [], BigInt(payload.lastOffset) + 1n, BigInt(payload.highWatermark));
  });
  // Every join (a rebalance, or kafkajs restarting the consumer after a retriable crash) starts
  // a partition again from the group's offsets, which a reader never commits (so: from the
  // beginning). Send each open partition back to where the queue stands.
  const removeJoin = consumer.on(consumer.events.GROUP_JOIN, () => {
    for (const partition of open)
      consumer.seek({ topic, partition, offset: (pushed.get(partition) ?? 0n).toString() });
  });
  const removeCrash = consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) push({ kind: 'error', error: payload.error });
  });
  const onAbort = () => push({ kind: 'end' });
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // A signal aborted before the generator started (it runs at the first next()) fires no event.
  if (options.signal?.aborted === true) onAbort();

  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: 1,
      eachBatch: async (payload) => {
        const { batch } = payload;
        if (!open.has(batch.partition)) return;
        const target = targets?.get(batch.partition);
        const records: LogRecord[] = [];
        const from = pushed.get(batch.partition) ?? 0n;
        for (const m of batch.messages) {
          const offset = BigInt(m.offset);
          // Never hand a record over twice, whatever the consumer fetched again (see GROUP_JOIN).
          if (offset < from) continue;
          if (target !== undefined && offset >= target) break;
          records.push(toLogRecord(batch.partition, m, offset));
        }
        pushBatch(batch.partition, records, BigInt(batch.lastOffset()) + 1n, BigInt(batch.highWatermark));
        while (queue.length >= prefetch && payload.isRunning() && !ended) {
          await new Promise<void>((resolve) => {
            wakeWriter = resolve;
            setTimeout(resolve, 2_000);
          });
          wakeWriter = undefined;
          await payload.heartbeat();
        }
      },
    });
    for (const [partition, offset] of position) {
      if (!open.has(partition)) continue;
      try {
        consumer.seek({ topic, partition, offset: offset.toString() });
      } catch {
        // The first join failed and kafkajs is restarting the consumer (a coordinator still
        // loading on a fresh broker): its GROUP_JOIN listener seeks when it is back.
      }
    }

    for (;;) {
      const item = queue.shift();
      if (item === undefined) {
        await new Promise<void>((resolve) => {
          wakeReader = resolve;
        });
        wakeReader = undefined;
        continue;
      }
      wakeWriter?.();
      if (item.kind === 'end') return;
      if (item.kind === 'error')
        throw new ProjectionistError('PRJ_KAFKA_UNAVAILABLE', `reading ${topic} failed`, {
          cause: item.error,
        });
      if (!open.has(item.batch.partition)) continue;
      yield item.batch;
      advance(item.batch.partition, item.batch.next);
      if (open.size === 0) return;
    }
  } finally {
    ended = true;
    options.signal?.removeEventListener('abort', onAbort);
    removeListener();
    removeJoin();
    removeCrash();
    wakeWriter?.();
    await consumer.disconnect().catch(() => undefined);
    const admin = await logClientInternals(client)
      .admin()
      .catch(() => undefined);
    await admin?.deleteGroups([groupId]).catch(() => undefined);
  }
}
