import { engineDefaults } from '../config/index.ts';
import { ProjectionistError } from '../errors/index.ts';
import type { LogBatch, LogRecord, OffsetVector, Position } from '../log/index.ts';
import {
  rowMiss,
  type BatchState,
  type LoadPlan,
  type QueuedSql,
  type TableChanges,
} from './createBatchState.ts';
import type { Emitter } from './createEmitter.ts';
import { decodeRecord } from './decodeRecord.ts';
import type { EventDecoder } from './eventDecoder.ts';
import type { FlushStats } from './flushBatch.ts';
import { isDataError } from './isDataError.ts';
import { storableText, type ParkedEvent, type ParkKind } from '../registry/index.ts';
import type {
  ProjectionDefinition,
  ProjectionEvent,
  ProjectionHandler,
  PoisonPolicy,
  Row,
  TableModel,
  TablesSpec,
} from '../definitions/index.ts';
import type { ProjectorEvents } from './projectorEvents.ts';
import { RefusedBatch } from './RefusedBatch.ts';

export type BatchLimits = {
  /** Rows held in memory; reaching it flushes and empties the cache. Default 50,000 rows. */
  readonly maxRows: number;
  /** Records read before a flush. Default 20,000 records. */
  readonly maxEvents: number;
  /** Longest an applied event waits for its flush while the log is quiet. Default 100 ms. */
  readonly maxDelayMs: number;
  /** Rows of one table from which a flush uses COPY rather than one unnest() statement. Default 1,000. */
  readonly copyThreshold: number;
};

export const defaultBatchLimits: BatchLimits = engineDefaults.batchLimits;

/** Everything one flush writes besides the checkpoints. */
export type BatchChanges = {
  readonly tables: readonly TableChanges[];
  readonly sql: readonly QueuedSql[];
  /** Events parked (or parked again) since the previous flush. */
  readonly parked?: readonly ParkedEvent[];
  /** Parked events a retry applied: their parked rows go. */
  readonly released?: readonly Position[];
};

/** Where the rows come from and go to: the tables, or a fake in unit tests. */
export type BatchSink = {
  load(table: TableModel, keys: readonly Row[]): Promise<Row[]>;
  flush(changes: BatchChanges, positions: OffsetVector): Promise<FlushStats>;
};

/**
 * How a run parks the events its version cannot take, instead of stopping at them: a handler
 * that throws, data newer than the code, rows PostgreSQL refuses (runBatches throws RefusedBatch
 * naming the events not committed; isolateRefused finds the ones to park among them), and every
 * later event of a stream that has a parked event. Without it (the test kit) such an event
 * stops the run as before.
 */
export type Parking = {
  readonly policy: PoisonPolicy;
  /**
   * Streams with a parked event (stored stream id, see storableText) -> the id of their first.
   * Grows as the run parks; additions whose flush never committed are taken back when it throws.
   */
  readonly blocked: Map<string, string>;
  /** The batches are parked events retried: those that apply are released, positions stay. */
  readonly retrying?: boolean;
  /** Events (by positionKey) that PostgreSQL refused: parked as failed with the reason given. */
  readonly refused?: ReadonlyMap<string, string>;
};

export const positionKey = (position: Position): string => `${position.partition}:${position.offset}`;

export type RunOutcome =
  /** The batches ended (a replay reached its target); all is flushed. */
  | { readonly status: 'ended' }
  /** The signal stopped them; all that was applied is flushed. */
  | { readonly status: 'stopped' }
  /** An event is newer than this code; everything before it is flushed. */
  | { readonly status: 'waiting'; readonly position: Position; readonly reason: string };

type Pending = {
  readonly record: LogRecord;
  readonly event: ProjectionEvent;
  readonly handler: ProjectionHandler<TablesSpec>;
  /** Parked whatever its handler would do: newer than the code, refused, or keys() threw. */
  readonly park?: { readonly kind: ParkKind; readonly reason: string; readonly error?: ProjectionistError };
};

const messageOf = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause));

const handlerFailed = (definition: ProjectionDefinition, event: ProjectionEvent, cause: unknown) => {
  const { partition, offset } = event.position;
  const message = messageOf(cause);
  return new ProjectionistError(
    'PRJ_HANDLER_FAILED',
    `${definition.name} v${definition.version}: the ${event.type} handler failed at partition ${partition} offset ${offset}: ${message}`,
    {
      cause,
      details: {
        projection: definition.name,
        version: definition.version,
        type: event.type,
        eventId: event.eventId,
        partition,
        offset: offset.toString(),
      },
    },
  );
};

/** An event PostgreSQL refused the rows of, as the error of a version that stops at it. */
const refusedError = (definition: ProjectionDefinition, event: ProjectionEvent, reason: string) => {
  const { partition, offset } = event.position;
  return new ProjectionistError(
    'PRJ_HANDLER_FAILED',
    `${definition.name} v${definition.version}: the rows of the ${event.type} event at partition ${partition} offset ${offset} were refused: ${reason}`,
    {
      details: {
        projection: definition.name,
        version: definition.version,
        type: event.type,
        eventId: event.eventId,
        partition,
        offset: offset.toString(),
      },
    },
  );
};

/**
 * The apply/flush loop shared by the live projector and replays. For each batch of records: route
 * and decode, ask every handler which rows it will read, load those of them not in memory with
 * one query per table, apply the events in log order, and flush the coalesced rows with the
 * positions they cover when a limit is reached, when the log goes quiet, and at the end.
 * `positions` (next offset per partition) starts at the checkpoints and is advanced in place.
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
  const { definition, decode, state, positions, sink, limits, emitter, signal, parking } = options;
  const { name, version } = definition;
  const types = new Set(Object.keys(definition.handlers));
  const counts = { applied: 0, parked: 0, ignored: 0, skipped: 0, loaded: 0, lateLoads: 0, records: 0 };
  /** Parked since the last flush began, and released (a retry applied them). */
  let parked: ParkedEvent[] = [];
  let released: Position[] = [];
  /** Records of the events since the last flush began: what a refusal must look into. */
  let retained: LogRecord[] = [];
  /** Streams this run blocked, in order; the first `blocksCommitted` of them are committed. */
  const blocks: string[] = [];
  let blocksCommitted = 0;
  let unflushed = false;
  /** When the event loop last had a turn (see processBatch). */
  let lastYield = performance.now();
  /** When the oldest event not yet flushed was read: no event waits longer than maxDelayMs. */
  let unflushedSince: number | undefined;
  /** The flush being written while the next events are decoded and applied (one at a time, in order). */
  let writing: Promise<void> | undefined;
  /** Memory was emptied since `writing` began: rows missing from memory may be in it, so loads wait. */
  let loadsWait = false;

  /** Waits for the flush in flight, if any, and surfaces its failure. */
  const settle = async () => {
    const pending = writing;
    writing = undefined;
    loadsWait = false;
    if (pending !== undefined) await pending;
  };

  /**
   * Starts writing everything applied so far with the positions it covers, after the previous
   * flush has committed (flushes stay ordered: one writer per version). Memory counts the rows as
   * committed at once, so the next events apply while this one is written; if the write fails,
   * the segment fails with it and its memory is dropped, so nothing uncommitted is ever trusted.
   */
  const flush = async () => {
    await settle();
    const changes = { ...state.changes(), parked, released };
    const at = new Map(positions);
    const batch = { ...counts };
    const suspects = retained;
    const blocksUpTo = blocks.length;
    parked = [];
    released = [];
    retained = [];
    state.committed();
    // Raw SQL makes memory forget every row; what it forgot may be in this very flush.
    if (changes.sql.length > 0) loadsWait = true;
    Object.assign(counts, {
      applied: 0,
      parked: 0,
      ignored: 0,
      skipped: 0,
      loaded: 0,
      lateLoads: 0,
      records: 0,
    });
    unflushed = false;
    unflushedSince = undefined;
    const written = sink.flush(changes, at).catch((error: unknown) => {
      throw parking !== undefined && isDataError(error) ? new RefusedBatch(suspects, error) : error;
    });
    const pending = written.then((stats) => {
      blocksCommitted = blocksUpTo;
      const retrying = parking?.retrying === true;
      if (changes.parked.length > 0)
        emitter.emit('projector:parked', {
          name,
          version,
          retrying,
          events: changes.parked.map(({ envelope: _, ...event }) => event),
        });
      if (changes.released.length > 0)
        emitter.emit('projector:released', { name, version, positions: changes.released });
      // A retry's flush moves no position: it is no batch of the log.
      if (retrying) return;
      emitter.emit('projector:batch', {
        name,
        version,
        applied: batch.applied,
        parked: batch.parked,
        ignored: batch.ignored,
        skipped: batch.skipped,
        loaded: batch.loaded,
        lateLoads: batch.lateLoads,
        inserted: stats.inserted,
        upserted: stats.upserted,
        deleted: stats.deleted,
        statements: stats.statements,
        positions: at,
        flushMs: stats.tookMs,
      });
    });
    // Awaited by the next settle(); this only keeps a failure from going unhandled meanwhile.
    pending.catch(() => undefined);
    writing = pending;
  };

  /** Drops every row from memory (the cache bound); loads then wait for the flush in flight. */
  const evict = () => {
    state.evict();
    if (writing !== undefined) loadsWait = true;
  };

  const load = async (plan: LoadPlan) => {
    for (const [table, keys] of plan) {
      const model = definition.model.tables.get(table);
      if (model === undefined || keys.size === 0) continue;
      if (loadsWait) await settle();
      let rows: Row[];
      try {
        rows = await sink.load(model, [...keys.values()]);
      } catch (error) {
        if (parking === undefined || !isDataError(error)) throw error;
        // The flush in flight, if it was refused too, names the earlier events.
        await settle();
        throw new RefusedBatch(retained, error);
      }
      state.accept(table, keys, rows);
      counts.loaded += rows.length;
    }
  };

  /**
   * Applies one event; 'miss' when it read a row that is not in memory (its effects must be
   * undone); the handler's failure when it threw (its effects must be undone too).
   */
  const applyOne = ({ event, handler }: Pending): 'done' | 'miss' | ProjectionistError => {
    const before = state.missed();
    try {
      handler.apply(event, state.store);
    } catch (error) {
      if (error === rowMiss || state.missed() > before) return 'miss';
      return handlerFailed(definition, event, error);
    }
    // A handler that caught the miss itself computed from a row it could not see.
    return state.missed() > before ? 'miss' : 'done';
  };

  /** The stream's first parked event, when it has one: every later event queues behind it. */
  const blockerOf = (event: ProjectionEvent) => parking?.blocked.get(storableText(event.streamId));

  const park = (pending: Pending, kind: ParkKind, reason: string, behind: string | null) => {
    const { event, record } = pending;
    const stream = storableText(event.streamId);
    if (parking !== undefined && !parking.blocked.has(stream)) {
      parking.blocked.set(stream, event.eventId);
      blocks.push(stream);
    }
    parked.push({
      position: event.position,
      eventId: event.eventId,
      streamId: event.streamId,
      type: event.type,
      writtenVersion: event.writtenVersion,
      kind,
      reason,
      behind,
      envelope: record.value ?? Buffer.alloc(0),
    });
    counts.parked++;
  };

  /**
   * Parks the event if it must be: answers the error to stop at (policy `stop`, an event that
   * failed), 'parked', or undefined when it is to be applied.
   */
  const parkIfDue = (pending: Pending): 'parked' | ProjectionistError | undefined => {
    if (parking === undefined) return undefined;
    const blocker = blockerOf(pending.event);
    if (blocker !== undefined && blocker !== pending.event.eventId) {
      park(pending, 'waiting', `queued behind ${blocker}, an earlier parked event of its stream`, blocker);
      return 'parked';
    }
    if (pending.park === undefined) return undefined;
    park(pending, pending.park.kind, pending.park.reason, null);
    return pending.park.kind === 'failed' && parking.policy === 'stop'
      ? (pending.park.error ?? handlerFailed(definition, pending.event, pending.park.reason))
      : 'parked';
  };

  /**
   * Policy `stop`: what was applied before `pending` and the parked event itself are flushed,
   * with the position just past it, and the run ends with its error.
   */
  const stopAt = async (pending: Pending, error: ProjectionistError): Promise<never> => {
    const { partition, offset } = pending.event.position;
    if (parking?.retrying !== true) positions.set(partition, offset + 1n);
    await flush();
    await settle();
    throw new ProjectionistError(
      'PRJ_HANDLER_FAILED',
      `${error.message} (policy stop: the event is parked; skip or retry it, then ask for a rebuild to go on)`,
      { cause: error, details: error.details },
    );
  };

  /**
   * Loads the chunk's declared rows, then applies its events in order. A handler that reads a
   * row it did not declare is undone; the rest of the chunk is probed for such rows too, so one
   * more load (a query per table) serves them all, and the handler runs again.
   */
  const applyChunk = async (chunk: Pending[], plan: LoadPlan) => {
    await load(plan);
    plan.clear();
    state.forget();
    let i = 0;
    while (i < chunk.length) {
      const pending = chunk[i] as Pending;
      const due = parkIfDue(pending);
      if (due === 'parked') {
        i++;
        continue;
      }
      if (due !== undefined) {
        chunk.length = 0;
        return stopAt(pending, due);
      }
      const mark = state.mark();
      const outcome = applyOne(pending);
      if (outcome === 'done') {
        state.forget();
        counts.applied++;
        if (parking?.retrying === true) released.push(pending.event.position);
        i++;
        continue;
      }
      state.undo(mark);
      if (outcome !== 'miss') {
        state.forget();
        if (parking === undefined) throw outcome;
        park(pending, 'failed', outcome.message, null);
        if (parking.policy === 'stop') {
          chunk.length = 0;
          return stopAt(pending, outcome);
        }
        i++;
        continue;
      }
      for (const probe of chunk.slice(i + 1)) {
        if (probe.park !== undefined || blockerOf(probe.event) !== undefined) continue;
        const before = state.mark();
        if (applyOne(probe) !== 'done') state.undo(before);
      }
      state.undo(mark);
      await load(state.takeMisses());
      counts.lateLoads++;
    }
    chunk.length = 0;
  };

  /** Plans the rows the event reads; a keys() that throws parks the event (or stops the run). */
  const keysOf = (pending: Pending, plan: LoadPlan): { added: number; pending: Pending } => {
    if (pending.park !== undefined || blockerOf(pending.event) !== undefined) return { added: 0, pending };
    try {
      return { added: state.plan(pending.handler.keys(pending.event), plan), pending };
    } catch (error) {
      const failure = handlerFailed(definition, pending.event, error);
      if (parking === undefined) throw failure;
      return {
        added: 0,
        pending: { ...pending, park: { kind: 'failed', reason: failure.message, error: failure } },
      };
    }
  };

  const processBatch = async (batch: LogBatch): Promise<RunOutcome | undefined> => {
    const chunk: Pending[] = [];
    const plan: LoadPlan = new Map();
    let planned = 0;
    const position = (record: LogRecord) => ({ partition: batch.partition, offset: record.offset });
    for (const record of batch.records) {
      // A fetch holds thousands of records that decode and apply without one real await: yield
      // every ~10 ms so that HTTP and live projectors in this process keep their latency.
      if ((counts.records & 255) === 0 && performance.now() - lastYield > 10) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
      counts.records++;
      unflushed = true;
      const outcome = decodeRecord({ record, types, decode });
      // A parked event that this code passes over now is no longer parked.
      if (parking?.retrying === true && (outcome.kind === 'ignored' || outcome.kind === 'skipped'))
        released.push(position(record));
      if (outcome.kind === 'ignored') {
        counts.ignored++;
        continue;
      }
      if (outcome.kind === 'skipped') {
        counts.skipped++;
        emitter.emit('projector:skipped', {
          name,
          version,
          position: position(record),
          type: outcome.type,
          reason: outcome.reason,
        });
        continue;
      }
      let pending: Pending;
      if (outcome.kind === 'wait' && parking !== undefined) {
        const { envelope } = outcome;
        const event: ProjectionEvent = {
          type: envelope.type,
          data: envelope.data,
          eventId: envelope.eventId,
          streamId: envelope.streamId,
          time: envelope.time,
          causationId: envelope.causationId,
          correlationId: envelope.correlationId,
          position: position(record),
          writtenVersion: envelope.version,
        };
        const handler = definition.handlers[envelope.type] as ProjectionHandler<TablesSpec>;
        pending = { record, event, handler, park: { kind: 'waiting', reason: outcome.reason } };
      } else if (outcome.kind === 'wait') {
        await applyChunk(chunk, plan);
        positions.set(batch.partition, record.offset);
        await flush();
        await settle();
        return { status: 'waiting', position: position(record), reason: outcome.reason };
      } else {
        const { event } = outcome;
        const handler = definition.handlers[event.type] as ProjectionHandler<TablesSpec>;
        const refusal = parking?.refused?.get(positionKey(event.position));
        pending =
          refusal === undefined
            ? { record, event, handler }
            : {
                record,
                event,
                handler,
                park: { kind: 'failed', reason: refusal, error: refusedError(definition, event, refusal) },
              };
      }
      let mine: LoadPlan = new Map();
      let planning = keysOf(pending, mine);
      let added = planning.added;
      if (state.size() + planned + added > limits.maxRows && (chunk.length > 0 || state.size() > 0)) {
        // The cache bound: apply and flush what came before this record, then start over empty.
        await applyChunk(chunk, plan);
        positions.set(batch.partition, record.offset);
        await flush();
        evict();
        planned = 0;
        mine = new Map();
        planning = keysOf(pending, mine);
        added = planning.added;
      }
      pending = planning.pending;
      for (const [table, keys] of mine) {
        const into = plan.get(table) ?? new Map<string, Row>();
        for (const [text, key] of keys) into.set(text, key);
        plan.set(table, into);
      }
      planned += added;
      chunk.push(pending);
      if (parking !== undefined) retained.push(record);
    }
    await applyChunk(chunk, plan);
    // A batch may hold no record at all (only transaction markers): its position still counts.
    if (batch.next > (positions.get(batch.partition) ?? 0n)) unflushed = true;
    positions.set(batch.partition, batch.next);
    if (counts.records >= limits.maxEvents || state.size() >= limits.maxRows) {
      await flush();
      if (state.size() >= limits.maxRows) evict();
    }
    return undefined;
  };

  const iterator = options.batches[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<LogBatch>> | undefined;
  /** Never settles unless the flush in flight fails: a failed write ends a quiet tail at once. */
  const failed = () =>
    writing === undefined ? [] : [writing.then(() => new Promise<never>(() => undefined))];
  try {
    for (;;) {
      next ??= iterator.next();
      let result: IteratorResult<LogBatch> | 'quiet';
      if (unflushed) {
        // Counted from the first unflushed event, not from the last batch: under a steady trickle
        // the log is never quiet for maxDelayMs, and the rows would wait for maxEvents.
        unflushedSince ??= performance.now();
        const due = Math.max(0, unflushedSince + limits.maxDelayMs - performance.now());
        let timer: NodeJS.Timeout | undefined;
        const quiet = new Promise<'quiet'>((resolve) => {
          timer = setTimeout(resolve, due, 'quiet');
        });
        result = await Promise.race([next, quiet, ...failed()]).finally(() => clearTimeout(timer));
      } else result = await Promise.race([next, ...failed()]);
      if (result === 'quiet') {
        await flush();
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
          unflushed = true;
        }
      }
    }
    if (unflushed) await flush();
    await settle();
    return stopped ? { status: 'stopped' } : { status: 'ended' };
  } catch (error) {
    // Streams blocked by parks that never committed are not blocked: the caller runs them again.
    await writing?.catch(() => undefined);
    if (parking !== undefined)
      for (const stream of blocks.slice(blocksCommitted)) parking.blocked.delete(stream);
    throw error;
  } finally {
    // Nothing may be written after this returns (the caller may let the lease go): a flush in
    // flight ends first. Its failure is already the error thrown when it was settled above.
    await writing?.catch(() => undefined);
    // A read still in flight (a tail waiting for records) ends only when its reader is aborted;
    // return() would otherwise queue behind it for good.
    if (next !== undefined) {
      options.abortReader?.();
      await next.catch(() => undefined);
    }
    await iterator.return?.();
  }
};
