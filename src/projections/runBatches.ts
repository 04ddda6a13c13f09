import { engineDefaults } from '../config/index.ts';
import type { LogBatch, LogRecord, OffsetVector, Position } from '../log/index.ts';
import type {
  ProjectionDefinition,
  ProjectionEvent,
  ProjectionHandler,
  TablesSpec,
} from '../definitions/index.ts';
import { applyChunk, planKeys, refusedError, type ChunkContext, type Pending } from './applyChunk.ts';
import type { BatchState, LoadPlan } from './BatchState.ts';
import type { Emitter } from './createEmitter.ts';
import { decodeRecord, type RecordOutcome } from './decodeRecord.ts';
import type { EventDecoder } from './eventDecoder.ts';
import type { BatchSink } from './BatchSink.ts';
import { FlushPipeline } from './FlushPipeline.ts';
import { createSlicer } from './foreground.ts';
import { positionKey, type Parking } from './Parking.ts';
import type { ProjectorEvents } from './projectorEvents.ts';

export type { BatchChanges, BatchSink } from './BatchSink.ts';
export type { Parking } from './Parking.ts';

export type BatchLimits = {
  /** Rows held in memory; reaching it flushes and evicts down to `keepShare` of it. Default 50,000 rows. */
  readonly maxRows: number;
  /** The share of `maxRows` an eviction keeps, the most recently written rows. Default 0.75. */
  readonly keepShare: number;
  /** Records read before a flush. Default 20,000 records. */
  readonly maxEvents: number;
  /** Longest an applied event waits for its flush while the log is quiet. Default 100 ms. */
  readonly maxDelayMs: number;
  /**
   * Flush as soon as the reader has no batch ready and no flush is in flight (nor began in the
   * last 5 ms); while one is, the events read meanwhile gather for the next (a group commit): a
   * quiet log's event is visible one flush after it is read, and batches grow only under load.
   * Default true; replays turn it off (they read history, where waiting for maxEvents makes
   * fewer, larger flushes).
   */
  readonly flushWhenIdle: boolean;
  /** Rows of one table from which a flush uses COPY rather than one unnest() statement. Default 1,000. */
  readonly copyThreshold: number;
};

export const defaultBatchLimits: BatchLimits = engineDefaults.batchLimits;
/** The least time between the starts of two flushes of a tail that flushes when idle. */
const idleFlushGapMs = 5;

export type RunOutcome =
  /** The batches ended (a replay reached its target); all is flushed. */
  | { readonly status: 'ended' }
  /** The signal stopped them; all that was applied is flushed. */
  | { readonly status: 'stopped' }
  /** An event is newer than this code; everything before it is flushed. */
  | { readonly status: 'waiting'; readonly position: Position; readonly reason: string };

/**
 * The batch loop shared by the live projector and replays: reads the batches, and for each one
 * routes and decodes its records, plans the rows they read and applies them in chunks
 * (applyChunk: loads, apply-with-undo in the batch state, parking); the flush pipeline writes
 * the coalesced rows with the positions they cover when a limit is reached, when the log goes
 * quiet (maxDelayMs), and at the end. `positions` (next offset per partition) starts at the
 * checkpoints and is advanced in place.
 */
export const runBatches = async (options: {
  definition: ProjectionDefinition;
  decode: EventDecoder;
  batches: AsyncIterable<LogBatch>;
  state: BatchState;
  positions: Map<number, bigint>;
  sink: BatchSink;
  limits: BatchLimits;
  emitter: Emitter<ProjectorEvents>;
  /** Stops the reader behind `batches`, so that a read in flight ends (its `next()` settles). */
  abortReader?: () => void;
  /** Positions the batches are known to reach when they end (a replay's target). */
  endPositions?: OffsetVector;
  signal?: AbortSignal;
  parking?: Parking;
}): Promise<RunOutcome> => {
  const { definition, decode, state, positions, limits, emitter, signal, parking } = options;
  const { name, version } = definition;
  const types = new Set(Object.keys(definition.handlers));
  const pipeline = new FlushPipeline({ definition, state, sink: options.sink, emitter, positions, parking });
  const slicer = createSlicer();
  const context: ChunkContext = { definition, state, pipeline, parking, positions, slicer };
  const counts = pipeline.counts;
  /** Rows the cache bound keeps when it evicts (none for a share that is not a number in [0, 1)). */
  const share = Number.isFinite(limits.keepShare) ? Math.min(Math.max(limits.keepShare, 0), 0.99) : 0;
  const keep = share === 0 ? 0 : Math.floor(limits.maxRows * share);

  /** The chunk so far is applied and flushed with the positions up to `record` (exclusive). */
  const flushBefore = async (batch: LogBatch, record: LogRecord, chunk: Pending[], plan: LoadPlan) => {
    await applyChunk(context, chunk, plan);
    positions.set(batch.partition, record.offset);
    await pipeline.flush();
  };

  const processBatch = async (batch: LogBatch): Promise<RunOutcome | undefined> => {
    const chunk: Pending[] = [];
    const plan: LoadPlan = new Map();
    /** What one record plans, before it joins `plan`: one map for the batch, emptied per record. */
    const mine: LoadPlan = new Map();
    let planned = 0;
    for (const record of batch.records) {
      // A fetch holds thousands of records that decode and apply without one real await: the
      // loop yields every ~2 ms (0.5 ms while an HTTP request is open; see createSlicer), here
      // and in applyChunk, so that HTTP and live projectors in this process keep their latency.
      // A request takes several turns of the loop (parse, each query, reply), each waiting out
      // one slice: with 10 ms slices checked every 256 records, reads over HTTP during a replay
      // had a p50 of 420 ms; with 2 ms, 30 ms (bench/RESULTS.md, the latency section).
      if (slicer.due()) await slicer.pause();
      counts.records++;
      pipeline.touch();
      const outcome = decodeRecord({ record, types, decode });
      // A parked event that this code passes over now is no longer parked.
      if (parking?.retrying === true && (outcome.kind === 'ignored' || outcome.kind === 'skipped'))
        pipeline.release({ partition: batch.partition, offset: record.offset });
      if (outcome.kind === 'ignored') {
        counts.ignored++;
        continue;
      }
      if (outcome.kind === 'skipped') {
        counts.skipped++;
        const position = { partition: batch.partition, offset: record.offset };
        emitter.emit('projector:skipped', {
          name,
          version,
          position,
          type: outcome.type,
          reason: outcome.reason,
        });
        continue;
      }
      if (outcome.kind === 'wait' && parking === undefined) {
        await flushBefore(batch, record, chunk, plan);
        await pipeline.settle();
        const position = { partition: batch.partition, offset: record.offset };
        return { status: 'waiting', position, reason: outcome.reason };
      }
      let pending = outcome.kind === 'wait' ? waitingOf(record, outcome) : eventOf(record, outcome.event);
      mine.clear();
      let planning = planKeys(context, pending, mine);
      if (
        state.size() + planned + planning.added > limits.maxRows &&
        (chunk.length > 0 || state.size() > 0)
      ) {
        // The cache bound: apply and flush what came before this record, then evict down to `keep`.
        await flushBefore(batch, record, chunk, plan);
        pipeline.evict(keep);
        planned = 0;
        mine.clear();
        planning = planKeys(context, pending, mine);
      }
      pending = planning.pending;
      for (const [table, keys] of mine) {
        const into = plan.get(table);
        if (into === undefined) plan.set(table, keys);
        else for (const [text, key] of keys) into.set(text, key);
      }
      planned += planning.added;
      chunk.push(pending);
      pipeline.retain(record);
    }
    await applyChunk(context, chunk, plan);
    // A batch may hold no record at all (only transaction markers): its position still counts.
    if (batch.next > (positions.get(batch.partition) ?? 0n)) pipeline.touch();
    positions.set(batch.partition, batch.next);
    if (counts.records >= limits.maxEvents || state.size() >= limits.maxRows) {
      await pipeline.flush();
      if (state.size() >= limits.maxRows) pipeline.evict(keep);
    }
    return undefined;
  };

  /** An event to apply; one whose rows PostgreSQL refused before is parked instead. */
  const eventOf = (record: LogRecord, event: ProjectionEvent): Pending => {
    const handler = definition.handlers[event.type] as ProjectionHandler<TablesSpec>;
    const refusal = parking?.refused?.get(positionKey(event.position));
    if (refusal === undefined) return { record, event, handler };
    const park = {
      kind: 'failed',
      reason: refusal,
      error: refusedError(definition, event, refusal),
    } as const;
    return { record, event, handler, park };
  };

  /** An event newer than this code, parked as it is written (its data as the envelope has it). */
  const waitingOf = (record: LogRecord, outcome: Extract<RecordOutcome, { kind: 'wait' }>): Pending => {
    const { envelope } = outcome;
    const event: ProjectionEvent = {
      type: envelope.type,
      data: envelope.data,
      eventId: envelope.eventId,
      streamId: envelope.streamId,
      time: envelope.time,
      causationId: envelope.causationId,
      correlationId: envelope.correlationId,
      position: { partition: record.partition, offset: record.offset },
      writtenVersion: envelope.version,
    };
    const handler = definition.handlers[envelope.type] as ProjectionHandler<TablesSpec>;
    return { record, event, handler, park: { kind: 'waiting', reason: outcome.reason } };
  };

  const iterator = options.batches[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<LogBatch>> | undefined;
  try {
    for (;;) {
      next ??= iterator.next();
      let result: IteratorResult<LogBatch> | 'quiet';
      if (pipeline.unflushed) {
        let timer: NodeJS.Timeout | undefined;
        const quiet = new Promise<'quiet'>((resolve) => {
          timer = setTimeout(resolve, pipeline.quietIn(limits.maxDelayMs), 'quiet');
        });
        const idle = limits.flushWhenIdle ? [pipeline.idle(idleFlushGapMs).then(() => 'quiet' as const)] : [];
        result = await Promise.race([next, quiet, ...idle, ...pipeline.failure()]).finally(() =>
          clearTimeout(timer),
        );
      } else result = await Promise.race([next, ...pipeline.failure()]);
      if (result === 'quiet') {
        await pipeline.flush();
        continue;
      }
      next = undefined;
      if (result.done === true) break;
      const waiting = await processBatch(result.value);
      if (waiting !== undefined) return waiting;
      if (signal?.aborted === true) break;
    }
    const stopped = signal?.aborted === true;
    if (!stopped) {
      for (const [partition, end] of options.endPositions ?? []) {
        if (end > (positions.get(partition) ?? 0n)) {
          positions.set(partition, end);
          pipeline.touch();
        }
      }
    }
    if (pipeline.unflushed) await pipeline.flush();
    await pipeline.settle();
    return stopped ? { status: 'stopped' } : { status: 'ended' };
  } catch (error) {
    // Streams blocked by parks that never committed are not blocked: the caller runs them again.
    await pipeline.abandon();
    throw error;
  } finally {
    // Nothing may be written after this returns (the caller may let the lease go): a flush in
    // flight ends first. Its failure is already the error thrown when it was settled above.
    await pipeline.close();
    // A read still in flight (a tail waiting for records) ends only when its reader is aborted;
    // return() would otherwise queue behind it for good.
    if (next !== undefined) {
      options.abortReader?.();
      await next.catch(() => undefined);
    }
    await iterator.return?.();
  }
};
