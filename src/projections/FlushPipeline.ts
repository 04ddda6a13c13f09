import type { LogRecord, OffsetVector, Position } from '../log/index.ts';
import { storableText, type ParkedEvent, type ParkKind } from '../registry/index.ts';
import type { ProjectionDefinition, ProjectionEvent, Row } from '../definitions/index.ts';
import type { BatchChanges, BatchSink } from './BatchSink.ts';
import type { BatchState, LoadPlan } from './BatchState.ts';
import type { Emitter } from './createEmitter.ts';
import type { FlushStats } from './flushBatch.ts';
import { isDataError } from './isDataError.ts';
import type { Parking } from './Parking.ts';
import type { ProjectorEvents } from './projectorEvents.ts';
import { RefusedBatch } from './RefusedBatch.ts';

/** What the events read since the last flush began came to (the `projector:batch` figures). */
export type BatchCounts = {
  applied: number;
  parked: number;
  ignored: number;
  skipped: number;
  loaded: number;
  lateLoads: number;
  records: number;
};

const zero: Readonly<BatchCounts> = {
  applied: 0,
  parked: 0,
  ignored: 0,
  skipped: 0,
  loaded: 0,
  lateLoads: 0,
  records: 0,
};

/**
 * The write side of a run of batches: loads into the batch state, and flushes what it holds
 * with the positions it covers, one flush in flight at a time and in order (one writer per
 * version). Memory counts a flush's rows as committed as soon as it starts, so the next events
 * apply while it is written; if the write fails, the run fails with it and its memory is dropped,
 * so nothing uncommitted is ever trusted. Parked and released events go into the next flush, with
 * the range of the log a refusal must look into (RefusedBatch, when PostgreSQL refuses the rows).
 */
export class FlushPipeline {
  /** What the run counts into; zeroed at every flush. */
  readonly counts: BatchCounts = { ...zero };
  readonly #definition: ProjectionDefinition;
  readonly #state: BatchState;
  readonly #sink: BatchSink;
  readonly #emitter: Emitter<ProjectorEvents>;
  readonly #positions: ReadonlyMap<number, bigint>;
  readonly #parking: Parking | undefined;
  /** Parked since the last flush began, and released (a retry applied them). */
  #parked: ParkedEvent[] = [];
  #released: Position[] = [];
  /**
   * What a refusal must look into: the positions the last flush covered (where the events since
   * began), and the next offset past the last event read since, per partition.
   */
  #coveredTo: OffsetVector;
  #readTo = new Map<number, bigint>();
  /** Streams this run blocked, in order; the first `#blocksCommitted` of them are committed. */
  readonly #blocks: string[] = [];
  #blocksCommitted = 0;
  /** Something was read since the last flush began; since when the batch loop first saw it. */
  #unflushed = false;
  #unflushedSince: number | undefined;
  /** The flush being written while the next events are decoded and applied. */
  #writing: Promise<void> | undefined;
  /** Whether `#writing` has not ended yet. */
  #busy = false;
  /** When the last flush began (performance.now()). */
  #flushedAt = Number.NEGATIVE_INFINITY;
  /** Memory was emptied since `#writing` began: rows missing from memory may be in it, so loads wait. */
  #loadsWait = false;

  constructor(options: {
    definition: ProjectionDefinition;
    state: BatchState;
    sink: BatchSink;
    emitter: Emitter<ProjectorEvents>;
    /** The run's positions (next offset per partition), read at each flush. */
    positions: ReadonlyMap<number, bigint>;
    parking: Parking | undefined;
  }) {
    this.#definition = options.definition;
    this.#state = options.state;
    this.#sink = options.sink;
    this.#emitter = options.emitter;
    this.#positions = options.positions;
    this.#parking = options.parking;
    this.#coveredTo = new Map(options.positions);
  }

  /** Something was read (an event, or only a position) that the next flush must cover. */
  touch(): void {
    this.#unflushed = true;
  }

  get unflushed(): boolean {
    return this.#unflushed;
  }

  /**
   * How long until the oldest unflushed read has waited `maxDelayMs`, counted from when the
   * batch loop first asked: under a steady trickle the log is never quiet for maxDelayMs, and
   * the rows would otherwise wait for maxEvents.
   */
  quietIn(maxDelayMs: number): number {
    this.#unflushedSince ??= performance.now();
    return Math.max(0, this.#unflushedSince + maxDelayMs - performance.now());
  }

  /** An event was read since the last flush began: a refusal names the range up to it. */
  retain(record: LogRecord): void {
    if (this.#parking !== undefined) this.#readTo.set(record.partition, record.offset + 1n);
  }

  /** The events read since the last flush began, as a range of the log. */
  #suspects(): { from: OffsetVector; until: OffsetVector } {
    return { from: this.#coveredTo, until: this.#readTo };
  }

  /** A parked event a retry applied (or this code now passes over): the next flush releases it. */
  release(position: Position): void {
    this.#released.push(position);
  }

  /** Parks an event in the next flush, blocking its stream behind it. */
  park(park: {
    event: ProjectionEvent;
    record: LogRecord;
    kind: ParkKind;
    reason: string;
    behind: string | null;
  }): void {
    const { event, record } = park;
    const stream = storableText(event.streamId);
    if (this.#parking !== undefined && !this.#parking.blocked.has(stream)) {
      this.#parking.blocked.set(stream, event.eventId);
      this.#blocks.push(stream);
    }
    this.#parked.push({
      position: event.position,
      eventId: event.eventId,
      streamId: event.streamId,
      type: event.type,
      writtenVersion: event.writtenVersion,
      kind: park.kind,
      reason: park.reason,
      behind: park.behind,
      envelope: record.value ?? Buffer.alloc(0),
    });
    this.counts.parked++;
  }

  /** Loads the planned rows not in memory, one query per table, after a flush that must land first. */
  async load(plan: LoadPlan): Promise<void> {
    for (const [table, keys] of plan) {
      const model = this.#definition.model.tables.get(table);
      if (model === undefined || keys.size === 0) continue;
      if (this.#loadsWait) await this.settle();
      let rows: Row[];
      try {
        rows = await this.#sink.load(model, [...keys.values()]);
      } catch (error) {
        if (this.#parking === undefined || !isDataError(error)) throw error;
        // The flush in flight, if it was refused too, names the earlier events.
        await this.settle();
        throw new RefusedBatch(this.#suspects(), error);
      }
      this.#state.accept(table, keys, rows);
      this.counts.loaded += rows.length;
    }
  }

  /** Starts writing everything applied so far with the positions it covers, after the previous flush. */
  async flush(): Promise<void> {
    await this.settle();
    const changes = { ...this.#state.changes(), parked: this.#parked, released: this.#released };
    const at = new Map(this.#positions);
    const batch = { ...this.counts };
    const suspects = this.#suspects();
    const blocksUpTo = this.#blocks.length;
    this.#parked = [];
    this.#released = [];
    this.#coveredTo = at;
    this.#readTo = new Map();
    this.#state.committed();
    // Raw SQL makes memory forget every row; what it forgot may be in this very flush.
    if (changes.sql.length > 0) this.#loadsWait = true;
    Object.assign(this.counts, zero);
    this.#unflushed = false;
    this.#unflushedSince = undefined;
    const parking = this.#parking;
    const written = this.#sink.flush(changes, at).catch((error: unknown) => {
      throw parking !== undefined && isDataError(error) ? new RefusedBatch(suspects, error) : error;
    });
    const pending = written.then((stats) => {
      this.#blocksCommitted = blocksUpTo;
      this.#reportFlush(changes, batch, stats, at);
    });
    this.#busy = true;
    this.#flushedAt = performance.now();
    // Awaited by the next settle(); this only keeps a failure from going unhandled meanwhile.
    pending
      .catch(() => undefined)
      .finally(() => {
        if (this.#writing === pending) this.#busy = false;
      });
    this.#writing = pending;
  }

  /**
   * Resolves once no flush is in flight (at once when none is) and the last one began at least
   * `gapMs` ago, one turn of the event loop later: a batch the reader already holds is taken
   * first. The gap bounds a busy tail to one flush per `gapMs` (each is a transaction with its
   * checkpoints), so that batches grow with the load. Never rejects (settle() surfaces a failure).
   */
  idle(gapMs: number): Promise<void> {
    const writing = this.#busy ? this.#writing : undefined;
    const turn = () =>
      new Promise<void>((resolve) => {
        const wait = this.#flushedAt + gapMs - performance.now();
        if (wait > 1) setTimeout(resolve, wait);
        else setImmediate(resolve);
      });
    return writing === undefined ? turn() : writing.then(turn, turn);
  }

  /** Waits for the flush in flight, if any, and surfaces its failure. */
  async settle(): Promise<void> {
    const pending = this.#writing;
    this.#writing = undefined;
    this.#busy = false;
    this.#loadsWait = false;
    if (pending !== undefined) await pending;
  }

  /** Drops rows from memory down to `keep` (the cache bound); loads then wait for the flush in flight. */
  evict(keep?: number): void {
    this.#state.evict(keep);
    if (this.#writing !== undefined) this.#loadsWait = true;
  }

  /** Never settles unless the flush in flight fails: a failed write ends a quiet tail at once. */
  failure(): Promise<never>[] {
    return this.#writing === undefined ? [] : [this.#writing.then(() => new Promise<never>(() => undefined))];
  }

  /** The run failed: streams blocked by parks that never committed are not blocked (they run again). */
  async abandon(): Promise<void> {
    await this.close();
    if (this.#parking !== undefined)
      for (const stream of this.#blocks.slice(this.#blocksCommitted)) this.#parking.blocked.delete(stream);
  }

  /** Lets the flush in flight end; its failure is the one settle() surfaced, or abandon's cause. */
  async close(): Promise<void> {
    await this.#writing?.catch(() => undefined);
  }

  #reportFlush(changes: Required<BatchChanges>, batch: BatchCounts, stats: FlushStats, at: OffsetVector) {
    const { name, version } = this.#definition;
    const retrying = this.#parking?.retrying === true;
    if (changes.parked.length > 0)
      this.#emitter.emit('projector:parked', {
        name,
        version,
        retrying,
        events: changes.parked.map(({ envelope: _, ...event }) => event),
      });
    if (changes.released.length > 0)
      this.#emitter.emit('projector:released', { name, version, positions: changes.released });
    // A retry's flush moves no position: it is no batch of the log.
    if (retrying) return;
    this.#emitter.emit('projector:batch', {
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
  }
}
