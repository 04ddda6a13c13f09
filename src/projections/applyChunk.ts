import { ProjectionistError } from '../errors/index.ts';
import type { LogRecord } from '../log/index.ts';
import { storableText, type ParkKind } from '../registry/index.ts';
import type {
  ProjectionDefinition,
  ProjectionEvent,
  ProjectionHandler,
  TablesSpec,
} from '../definitions/index.ts';
import type { BatchState, LoadPlan } from './BatchState.ts';
import type { FlushPipeline } from './FlushPipeline.ts';
import type { Parking } from './Parking.ts';

/** An event read, waiting in its chunk to be applied. */
export type Pending = {
  readonly record: LogRecord;
  readonly event: ProjectionEvent;
  readonly handler: ProjectionHandler<TablesSpec>;
  /** Parked whatever its handler would do: newer than the code, refused, or keys() threw. */
  readonly park?: { readonly kind: ParkKind; readonly reason: string; readonly error?: ProjectionistError };
};

/** What applying a chunk works with: one per run of batches. */
export type ChunkContext = {
  readonly definition: ProjectionDefinition;
  readonly state: BatchState;
  readonly pipeline: FlushPipeline;
  readonly parking: Parking | undefined;
  /** The run's positions, advanced in place. */
  readonly positions: Map<number, bigint>;
  /** The run's slices of the event loop (see createSlicer). */
  readonly slicer: { due(): boolean; pause(): Promise<void> };
};

const details = (definition: ProjectionDefinition, event: ProjectionEvent) => ({
  projection: definition.name,
  version: definition.version,
  type: event.type,
  eventId: event.eventId,
  partition: event.position.partition,
  offset: event.position.offset.toString(),
});

export const handlerFailed = (
  definition: ProjectionDefinition,
  event: ProjectionEvent,
  cause: unknown,
): ProjectionistError => {
  const { partition, offset } = event.position;
  const message = cause instanceof Error ? cause.message : String(cause);
  return new ProjectionistError(
    'PRJ_HANDLER_FAILED',
    `${definition.name} v${definition.version}: the ${event.type} handler failed at partition ${partition} offset ${offset}: ${message}`,
    { cause, details: details(definition, event) },
  );
};

/** An event PostgreSQL refused the rows of, as the error of a version that stops at it. */
export const refusedError = (
  definition: ProjectionDefinition,
  event: ProjectionEvent,
  reason: string,
): ProjectionistError => {
  const { partition, offset } = event.position;
  return new ProjectionistError(
    'PRJ_HANDLER_FAILED',
    `${definition.name} v${definition.version}: the rows of the ${event.type} event at partition ${partition} offset ${offset} were refused: ${reason}`,
    { details: details(definition, event) },
  );
};

/** The stream's first parked event, when it has one: every later event queues behind it. */
export const blockerOf = (parking: Parking | undefined, event: ProjectionEvent): string | undefined =>
  // Asked for every event: a replay with nothing parked makes no key text for it.
  parking === undefined || parking.blocked.size === 0
    ? undefined
    : parking.blocked.get(storableText(event.streamId));

/**
 * Plans the rows the event reads into `plan`; answers how many keys it added, and the event
 * itself, marked to be parked when its keys() threw (without parking, that stops the run).
 */
export const planKeys = (
  context: ChunkContext,
  pending: Pending,
  plan: LoadPlan,
): { added: number; pending: Pending } => {
  const { definition, parking } = context;
  if (pending.park !== undefined || blockerOf(parking, pending.event) !== undefined)
    return { added: 0, pending };
  try {
    return { added: context.state.plan(pending.handler.keys(pending.event), plan), pending };
  } catch (error) {
    const failure = handlerFailed(definition, pending.event, error);
    if (parking === undefined) throw failure;
    return {
      added: 0,
      pending: { ...pending, park: { kind: 'failed', reason: failure.message, error: failure } },
    };
  }
};

/**
 * Parks the event if it must be: answers the error to stop at (policy `stop`, an event that
 * failed), 'parked', or undefined when it is to be applied.
 */
const parkIfDue = (context: ChunkContext, pending: Pending): 'parked' | ProjectionistError | undefined => {
  const { parking, pipeline } = context;
  if (parking === undefined) return undefined;
  const { event, record } = pending;
  const blocker = blockerOf(parking, event);
  if (blocker !== undefined && blocker !== event.eventId) {
    const reason = `queued behind ${blocker}, an earlier parked event of its stream`;
    pipeline.park({ event, record, kind: 'waiting', reason, behind: blocker });
    return 'parked';
  }
  if (pending.park === undefined) return undefined;
  pipeline.park({ event, record, kind: pending.park.kind, reason: pending.park.reason, behind: null });
  return pending.park.kind === 'failed' && parking.policy === 'stop'
    ? (pending.park.error ?? handlerFailed(context.definition, event, pending.park.reason))
    : 'parked';
};

/**
 * Policy `stop`: what was applied before `pending` and the parked event itself are flushed,
 * with the position just past it, and the run ends with its error.
 */
const stopAt = async (context: ChunkContext, pending: Pending, error: ProjectionistError): Promise<never> => {
  const { partition, offset } = pending.event.position;
  if (context.parking?.retrying !== true) context.positions.set(partition, offset + 1n);
  await context.pipeline.flush();
  await context.pipeline.settle();
  throw new ProjectionistError(
    'PRJ_HANDLER_FAILED',
    `${error.message} (policy stop: the event is parked; skip or retry it, then ask for a rebuild to go on)`,
    { cause: error, details: error.details },
  );
};

/**
 * Loads the chunk's declared rows, then applies its events in order (emptying `chunk` and
 * `plan`). A handler that reads a row it did not declare is undone (by the batch state); the
 * rest of the chunk is probed for such rows too, so one more load serves them all, and the
 * handler runs again. A handler that throws parks its event (or, without parking, stops the run).
 */
export const applyChunk = async (context: ChunkContext, chunk: Pending[], plan: LoadPlan): Promise<void> => {
  const { definition, state, pipeline, parking } = context;
  const counts = pipeline.counts;
  await pipeline.load(plan);
  plan.clear();
  const { slicer } = context;
  let i = 0;
  while (i < chunk.length) {
    // A chunk is a whole fetch's events: applied in slices, as they were decoded (runBatches).
    if (slicer.due()) await slicer.pause();
    const pending = chunk[i] as Pending;
    const due = parkIfDue(context, pending);
    if (due === 'parked') {
      i++;
      continue;
    }
    if (due !== undefined) {
      chunk.length = 0;
      return stopAt(context, pending, due);
    }
    const applied = state.apply(pending);
    if (applied === 'done') {
      counts.applied++;
      if (parking?.retrying === true) pipeline.release(pending.event.position);
      i++;
      continue;
    }
    if (applied !== 'miss') {
      const failure = handlerFailed(definition, pending.event, applied.failed);
      if (parking === undefined) throw failure;
      pipeline.park({
        event: pending.event,
        record: pending.record,
        kind: 'failed',
        reason: failure.message,
        behind: null,
      });
      if (parking.policy === 'stop') {
        chunk.length = 0;
        return stopAt(context, pending, failure);
      }
      i++;
      continue;
    }
    const later = chunk
      .slice(i + 1)
      .filter((p) => p.park === undefined && blockerOf(parking, p.event) === undefined);
    await pipeline.load(state.probe(later));
    counts.lateLoads++;
  }
  chunk.length = 0;
};
