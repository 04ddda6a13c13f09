import type pg from 'pg';
import { definitionModule, type ProjectionDefinition } from '../definitions/index.ts';
import { highWatermarks, type LogClient, type OffsetVector } from '../log/index.ts';
import type { Logger } from '../logger/index.ts';
import { inFencedTransaction, setVersionState, type Lease } from '../registry/index.ts';
import type { Emitter } from './createEmitter.ts';
import { analyzeTables, createIndexes, createTables } from './createTables.ts';
import type { EventDecoder } from './eventDecoder.ts';
import { projectSegment } from './projectSegment.ts';
import type { ProjectorEvents } from './projectorEvents.ts';
import { replayInThread, type ReplayThreadOptions } from './replayThread.ts';
import type { BatchLimits } from './runBatches.ts';
import type { ProjectorState } from './runVersion.ts';
import { retryParkedOf, tailLog, waitForCode } from './tailLog.ts';

/** A bulk build up to a fixed target, and what a rebuild hangs on it. */
export type BuildPlan = {
  readonly kind: 'build';
  /** Where the build's replay ends (exclusive): it resumes toward the same one after a fault. */
  readonly target: OffsetVector;
  /** Each committed batch of the build's replay (not those of the catch-up or the tail). */
  readonly onBatch?: (batch: ProjectorEvents['projector:batch']) => void;
  /** The replay reached the target; the indexes are built next. */
  readonly onReached?: () => Promise<void>;
  /** Inside the fenced transaction that marks the version catching-up. */
  readonly markBuilt?: (db: pg.PoolClient) => Promise<void>;
  /** That transaction committed: the whole build took `tookMs`, its indexes `indexMs`. */
  readonly onBuilt?: (figures: { tookMs: number; indexMs: number }) => void;
};

export type RunPlan =
  | BuildPlan
  /** Catch up to the head of the log seen now (a live projector, a version built already). */
  | { readonly kind: 'catch-up' }
  /** Not to run now (it changed under the caller: paused, retired): the lease is let go. */
  | { readonly kind: 'stop' };

/** One run of a version under its held lease (made by runVersion). */
export type LeasedRun = {
  readonly pool: pg.Pool;
  readonly client: LogClient;
  readonly definition: ProjectionDefinition;
  readonly decode: EventDecoder;
  readonly emitter: Emitter<ProjectorEvents>;
  readonly lease: Lease;
  readonly signal: AbortSignal;
  readonly plan?: (lease: Lease) => Promise<RunPlan>;
  readonly stopAtTarget?: boolean;
  /** Limits of the catch-up and the tail; `replayLimits` those of a build. */
  readonly limits: BatchLimits;
  readonly replayLimits: BatchLimits;
  readonly waitRetryMs?: number;
  /**
   * Where a build's replay runs: in a worker thread of its own when given (and the definition
   * was loaded from a module another thread can import), else in this one.
   */
  readonly thread?: ReplayThreadOptions;
  readonly parkedPollMs?: number;
  readonly parkedRetryMs?: number;
  readonly logger?: Logger;
  readonly setState: (state: ProjectorState) => void;
  /** A replay up to a target ended (reached or stopped) at these positions. */
  readonly onReplayed: (positions: OffsetVector) => void;
};

/**
 * The steps of a version's run under its lease, in order: the plan (build to a target, or catch
 * up to the head seen now); the tables, bare; parked events retried with this code; the replay
 * to the target; the secondary indexes (and, after a build, fresh statistics) and the version
 * marked catching-up; then, unless the run stops at the target, a catch-up to a fresh target
 * after a build (so that it ends even under write load), `projector:caught-up`, and the tail.
 * Answers 'reached' (stopped at the target) or 'stopped' (by the signal, or by the plan).
 */
export const buildAndTail = async (run: LeasedRun): Promise<'reached' | 'stopped'> => {
  const { pool, client, definition, lease, emitter, logger } = run;
  const { name, version } = definition;
  const plan = (await run.plan?.(lease)) ?? { kind: 'catch-up' };
  if (plan.kind === 'stop') return 'stopped';
  run.setState({ status: 'catching-up' });
  const build = plan.kind === 'build' ? plan : undefined;
  const head = () => highWatermarks({ client, topic: client.topics.events });
  const target = build?.target ?? (await head());
  await createTables({ db: pool, definition });
  // This code may know what the code that parked them did not.
  await retryParkedOf(run, 'all');
  const started = performance.now();
  const stopReporting =
    build?.onBatch === undefined ? () => {} : emitter.on('projector:batch', build.onBatch);
  const module = definitionModule(definition);
  const built = await (
    build !== undefined && run.thread !== undefined && module !== undefined
      ? replayInThread(run, run.thread, module, target, run.replayLimits, () =>
          replayTo(run, target, run.replayLimits),
        )
      : replayTo(run, target, build === undefined ? run.limits : run.replayLimits)
  ).finally(stopReporting);
  if (built === undefined) return 'stopped';
  await build?.onReached?.();
  const indexing = performance.now();
  await createIndexes({ db: pool, definition });
  if (build !== undefined) await analyzeTables({ db: pool, definition });
  const indexMs = Math.round(performance.now() - indexing);
  await inFencedTransaction(pool, lease, async (db) => {
    await setVersionState({ db, name, version, state: { status: 'catching-up' }, onlyFrom: 'building' });
    await build?.markBuilt?.(db);
  });
  build?.onBuilt?.({ tookMs: Math.round(performance.now() - started), indexMs });
  let positions = built;
  if (run.stopAtTarget !== true && build !== undefined) {
    const caughtUp = await replayTo(run, await head(), run.limits);
    if (caughtUp === undefined) return 'stopped';
    positions = caughtUp;
  }
  emitter.emit('projector:caught-up', { name, version, positions });
  if (run.stopAtTarget === true) return 'reached';
  logger?.info('caught up; tailing the log');
  run.setState({ status: 'tailing' });
  await tailLog(run);
  return 'stopped';
};

/**
 * Replays from the checkpoints up to `target`, a segment after another while an event waits
 * for newer code; answers the positions reached, or undefined when the signal stopped it.
 */
export const replayTo = async (
  run: Omit<LeasedRun, 'plan' | 'thread'>,
  target: OffsetVector,
  limits: BatchLimits,
): Promise<OffsetVector | undefined> => {
  const { definition, lease, emitter } = run;
  const { name, version } = definition;
  for (;;) {
    const outcome = await projectSegment({
      ...run,
      limits,
      until: target,
      onOpen: ({ from, emptyTables }) =>
        emitter.emit('projector:started', {
          name,
          version,
          holder: lease.holder,
          token: lease.token,
          from,
          emptyTables,
        }),
    });
    run.onReplayed(outcome.positions);
    if (outcome.status === 'ended') return outcome.positions;
    if (outcome.status === 'stopped') return undefined;
    await waitForCode(run, outcome.position, outcome.reason);
    if (run.signal.aborted) return undefined;
  }
};
