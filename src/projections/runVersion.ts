import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { backoffDelay, engineDefaults } from '../config/index.ts';
import { isProjectionistError, ProjectionistError } from '../errors/index.ts';
import type { LogClient, OffsetVector } from '../log/index.ts';
import type { Logger } from '../logger/index.ts';
import {
  acquireLease,
  defaultHolder,
  keepLeaseAlive,
  releaseLease,
  requireRegistry,
  setVersionState,
  waitForLease,
  type Lease,
} from '../registry/index.ts';
import type { ProjectionDefinition } from '../definitions/index.ts';
import { buildAndTail, type RunPlan } from './buildAndTail.ts';
import type { Emitter } from './createEmitter.ts';
import type { EventDecoder } from './eventDecoder.ts';
import type { ProjectorEvents } from './projectorEvents.ts';
import type { ReplayThreadOptions } from './replayThread.ts';
import { defaultBatchLimits, type BatchLimits } from './runBatches.ts';

export type { BuildPlan, RunPlan } from './buildAndTail.ts';

export type ProjectorState =
  | { readonly status: 'idle' }
  | { readonly status: 'waiting-for-lease' }
  | { readonly status: 'catching-up' }
  | { readonly status: 'tailing' }
  | { readonly status: 'retrying'; readonly error: unknown }
  | { readonly status: 'failed'; readonly error: ProjectionistError }
  | { readonly status: 'stopped' };

export type RunVersionOptions = {
  readonly pool: pg.Pool;
  readonly client: LogClient;
  readonly definition: ProjectionDefinition;
  readonly decode: EventDecoder;
  readonly emitter: Emitter<ProjectorEvents>;
  /** Ends the run: what was applied is flushed and the lease let go. */
  readonly signal?: AbortSignal;
  /** A lease the caller holds: renewed while the run lasts, never let go by it. Default: the run takes one. */
  readonly lease?: Lease;
  /** Who this process is, in the lease. Default host:pid:random. */
  readonly holder?: string;
  /** How long the lease outlives this process's last renewal. Default 30,000 ms. */
  readonly leaseTtlMs?: number;
  /** While another process holds the lease: wait to take over (default), or throw PRJ_LEASE_HELD. */
  readonly standBy?: boolean;
  /**
   * Asked under the lease each time the run (re)starts: build to a fixed target, catch up to the
   * head seen now (the default), or stop. The rebuild's bookkeeping hangs on it (BuildPlan).
   */
  readonly plan?: (lease: Lease) => Promise<RunPlan>;
  /** End once the target is reached and the version indexed (a replay), instead of tailing. */
  readonly stopAtTarget?: boolean;
  /** Batch limits; a build's maxDelayMs defaults to engineDefaults.replayMaxDelayMs. */
  readonly limits?: Partial<BatchLimits>;
  /** Backoff after a fault a retry may fix, from `minMs` doubling to `maxMs` (default 200 to 10,000 ms); 'never' throws it. */
  readonly retry?: { readonly minMs?: number; readonly maxMs?: number } | 'never';
  /** Pause before retrying an event newer than this code (only where events are not parked). Default 5,000 ms. */
  readonly waitRetryMs?: number;
  /**
   * Run a build's replay (up to its fixed target) in a worker thread of its own, when the
   * definition came from a module (loadProjections); the catch-up and the tail stay here.
   */
  readonly thread?: ReplayThreadOptions;
  /** How often the tail looks for parked events an operator asked to retry. Default 2,000 ms. */
  readonly parkedPollMs?: number;
  /** How often the tail retries parked events that wait for a newer version. Default 30,000 ms. */
  readonly parkedRetryMs?: number;
  readonly logger?: Logger;
  /** Told each change of state. */
  readonly onState?: (state: ProjectorState) => void;
};

export type RunResult =
  /** Stopped at the target (`stopAtTarget`), indexed and marked catching-up; `tookMs` is the replay's. */
  | { readonly status: 'reached'; readonly positions: OffsetVector; readonly tookMs: number }
  /** The signal ended it, or the plan said stop; what was applied is committed. */
  | { readonly status: 'stopped'; readonly positions: OffsetVector; readonly tookMs: number }
  /** A fault a retry cannot fix: the version is marked failed. */
  | { readonly status: 'failed'; readonly error: ProjectionistError };

/** A fault a retry cannot fix: the version is marked failed and its run ends. */
const fatal = (error: unknown): error is ProjectionistError =>
  isProjectionistError(error, 'PRJ_HANDLER_FAILED') ||
  isProjectionistError(error, 'PRJ_PROJECTION_INVALID') ||
  isProjectionistError(error, 'PRJ_LOG_TRUNCATED');

/** Takes the version's lease, standing by while another process holds it (unless told not to). */
const takeLease = async (options: RunVersionOptions, holder: string, signal: AbortSignal): Promise<Lease> => {
  const { pool, definition, emitter } = options;
  const { name, version } = definition;
  const ttlMs = options.leaseTtlMs ?? engineDefaults.leases.versionTtlMs;
  const onWait = () => emitter.emit('projector:waiting-for-lease', { name, version, holder });
  const lease =
    options.standBy === false
      ? await acquireLease({ db: pool, name, version, holder, ttlMs })
      : await waitForLease({ db: pool, name, version, holder, ttlMs, signal, onWait });
  if (lease === undefined)
    throw new ProjectionistError('PRJ_LEASE_HELD', `another process holds the lease of ${name} v${version}`);
  return lease;
};

/**
 * Runs one projection version: the one path of builds, replays, live tails and staging
 * refreshes. Takes the version's lease once (or runs under the caller's) and renews that same
 * lease to the end; under it (buildAndTail) creates the tables bare, retries parked events,
 * replays up to a target, builds the indexes and marks the version catching-up, then, unless
 * `stopAtTarget`, catches up and tails the log. A fault a retry may fix (a lost connection, a
 * failed commit) starts over from the committed checkpoints under the same lease, after a
 * backoff; a lost lease is waited for again; a fault no retry fixes marks the version failed.
 * The registry must be migrated (PRJ_REGISTRY_MISSING otherwise) and the version registered.
 */
export const runVersion = async (options: RunVersionOptions): Promise<RunResult> => {
  const { pool, definition, emitter } = options;
  const { name, version } = definition;
  if ((definition as { kind?: unknown }).kind !== 'projection')
    throw new ProjectionistError(
      'PRJ_VALIDATION',
      'only projections replay; reactors run on live events only',
    );
  await requireRegistry({ db: pool });
  const run: Run = { lease: options.lease, failures: 0, positions: new Map(), started: performance.now() };
  let result: RunResult;
  try {
    result = await retryLoop(options, run);
  } finally {
    if (options.lease === undefined && run.lease !== undefined)
      await releaseLease(pool, run.lease).catch(() => undefined);
  }
  if (result.status === 'failed') return result;
  options.onState?.({ status: 'stopped' });
  emitter.emit('projector:stopped', { name, version });
  return result;
};

/** What one call of runVersion keeps between its attempts. */
type Run = {
  /** The lease held now; undefined while it is to be taken (again). */
  lease: Lease | undefined;
  /** Faults in a row, for the backoff. */
  failures: number;
  positions: OffsetVector;
  readonly started: number;
  replayedAt?: number;
};

/** Attempts the run under the lease until it ends, is stopped, or fails for good. */
const retryLoop = async (options: RunVersionOptions, run: Run): Promise<RunResult> => {
  const { pool, definition, emitter, logger } = options;
  const { name, version } = definition;
  const signal = options.signal ?? new AbortController().signal;
  const holder = options.holder ?? defaultHolder();
  const setState = (state: ProjectorState) => options.onState?.(state);
  const tookMs = () => (run.replayedAt ?? run.started) - run.started;
  while (!signal.aborted) {
    const lost = new AbortController();
    let stopRenewing = () => {};
    try {
      if (run.lease === undefined) {
        setState({ status: 'waiting-for-lease' });
        run.lease = await takeLease(options, holder, signal);
      }
      stopRenewing = keepLeaseAlive({ db: pool, lease: run.lease, onLost: () => lost.abort() });
      const ended = await buildAndTail({
        ...options,
        lease: run.lease,
        signal: AbortSignal.any([signal, lost.signal]),
        limits: { ...defaultBatchLimits, ...options.limits },
        replayLimits: {
          ...defaultBatchLimits,
          maxDelayMs: engineDefaults.replayMaxDelayMs,
          ...options.limits,
          flushWhenIdle: false,
        },
        setState,
        onReplayed: (positions) => {
          run.positions = positions;
          run.replayedAt = performance.now();
        },
      });
      if (lost.signal.aborted)
        throw new ProjectionistError('PRJ_LEASE_LOST', `the lease of ${name} v${version} was taken over`);
      if (ended === 'reached') return { status: 'reached', positions: run.positions, tookMs: tookMs() };
      break;
    } catch (error) {
      if (signal.aborted) break;
      if (fatal(error)) {
        setState({ status: 'failed', error });
        logger?.error({ err: error }, 'projection version failed');
        const state = { status: 'failed', reason: error.message } as const;
        await setVersionState({ db: pool, name, version, state }).catch(() => undefined);
        emitter.emit('projector:failed', { name, version, error });
        return { status: 'failed', error };
      }
      const lostLease = isProjectionistError(error, 'PRJ_LEASE_LOST');
      if (lostLease) emitter.emit('projector:lease-lost', { name, version });
      // A replay reports its faults; a caller's lease, once lost, is not this run's to take again.
      if (options.retry === 'never' || (lostLease && options.lease !== undefined)) throw error;
      if (lostLease) {
        run.lease = undefined;
        run.failures = 0;
        continue;
      }
      const backoff = options.retry;
      const retryInMs = backoffDelay({
        backoff,
        defaults: engineDefaults.projector.retry,
        failures: run.failures++,
      });
      setState({ status: 'retrying', error });
      logger?.warn({ err: error, retryInMs }, 'projection version fault; resuming from checkpoints');
      emitter.emit('projector:error', { name, version, error, retryInMs });
      await sleep(retryInMs, undefined, { signal }).catch(() => undefined);
    } finally {
      stopRenewing();
    }
  }
  return { status: 'stopped', positions: run.positions, tookMs: tookMs() };
};
