import type pg from 'pg';
import { readLog, tailTopic, type LogClient, type LogRecord, type OffsetVector } from '../log/index.ts';
import { type Lease, readCheckpoints, dropStaleParked, readBlockedStreams } from '../registry/index.ts';
import { createBatchState } from './createBatchState.ts';
import { emptyTables } from './createTables.ts';
import type { Emitter } from './createEmitter.ts';
import type { EventDecoder } from './eventDecoder.ts';
import { isolateRefused } from './isolateRefused.ts';
import type { ProjectionDefinition } from '../definitions/index.ts';
import type { ProjectorEvents } from './projectorEvents.ts';
import { RefusedBatch } from './RefusedBatch.ts';
import { replayRecords } from './replayRecords.ts';
import { runBatches, type BatchLimits, type RunOutcome } from './runBatches.ts';
import { tableSink } from './tableSink.ts';

/** The records of a refused flush, read again from the log (see RefusedBatch). */
const readRefused = async (options: {
  client: LogClient;
  refusal: RefusedBatch;
  signal: AbortSignal | undefined;
}): Promise<LogRecord[]> => {
  const { client, refusal } = options;
  const records: LogRecord[] = [];
  const partitions = [...refusal.until.keys()];
  const from = new Map(partitions.map((p) => [p, refusal.from.get(p) ?? 0n]));
  const batches = readLog({
    client,
    topic: client.topics.events,
    partitions,
    from,
    until: refusal.until,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  for await (const batch of batches) for (const record of batch.records) records.push(record);
  return records;
};

/**
 * One stretch of work under a held lease: from the checkpoints, read the events topic up to
 * `until` (or forever) and apply and flush it. The row cache lives only as long as the
 * segment: after any fault the next segment starts over from what was committed.
 * Events the version cannot take are parked (see Parking in runBatches.ts) under the
 * definition's `onPoison` policy; when PostgreSQL refuses a flush's rows (a data error), the
 * events of that flush are read again from the log (readRefused) and applied again in halves to
 * find and park the ones it refuses (isolateRefused), and the segment reads on from the
 * checkpoints that leaves.
 */
export const projectSegment = async (options: {
  pool: pg.Pool;
  client: LogClient;
  definition: ProjectionDefinition;
  decode: EventDecoder;
  lease: Lease;
  limits: BatchLimits;
  emitter: Emitter<ProjectorEvents>;
  until: OffsetVector | 'forever';
  signal?: AbortSignal;
  onOpen?: (opened: { from: OffsetVector; emptyTables: readonly string[] }) => void;
}): Promise<RunOutcome & { positions: OffsetVector }> => {
  const { pool, client, definition, decode, lease, limits, emitter, until } = options;
  const { name, version } = definition;
  const policy = definition.onPoison ?? 'park';
  const sink = tableSink({ pool, lease, copyThreshold: limits.copyThreshold, until });
  for (;;) {
    const from = await readCheckpoints({ db: pool, name, version });
    await dropStaleParked({ db: pool, name, version });
    const blocked = await readBlockedStreams({ db: pool, name, version });
    const empty = await emptyTables({ db: pool, definition });
    options.onOpen?.({ from, emptyTables: [...empty] });
    const positions = new Map(from);
    const reader = new AbortController();
    const signals = options.signal === undefined ? [reader.signal] : [reader.signal, options.signal];
    const topic = client.topics.events;
    const signal = AbortSignal.any(signals);
    // A tail shares the process's one reader of the topic with the other live versions.
    const batches =
      until === 'forever'
        ? tailTopic({ client, topic, from, signal })
        : readLog({ client, topic, from, until, signal, prefetch: 4 });
    try {
      const outcome = await runBatches({
        definition,
        decode,
        batches,
        state: createBatchState({ model: definition.model, emptyTables: empty }),
        positions,
        limits,
        emitter,
        ...(until === 'forever' ? {} : { endPositions: until }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        abortReader: () => reader.abort(),
        sink,
        parking: { policy, blocked },
      });
      return { ...outcome, positions };
    } catch (error) {
      if (!(error instanceof RefusedBatch)) throw error;
      const committed = new Map(await readCheckpoints({ db: pool, name, version }));
      const parking = { policy, blocked: await readBlockedStreams({ db: pool, name, version }) };
      await isolateRefused({
        records: await readRefused({ client, refusal: error, signal: options.signal }),
        cause: error.cause,
        run: (records, refused) =>
          replayRecords({
            definition,
            decode,
            records,
            positions: committed,
            sink,
            copyThreshold: limits.copyThreshold,
            emitter,
            parking: refused === undefined ? parking : { ...parking, refused },
          }),
      });
    }
  }
};
