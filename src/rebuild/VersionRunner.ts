import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { backoffDelay, engineDefaults } from '../config/index.ts';
import { isProjectionistError, type ProjectionistError } from '../errors/index.ts';
import type { LogClient, OffsetVector } from '../log/index.ts';
import type { Logger } from '../logger/index.ts';
import { Projector, type BatchLimits, type Emitter, type EventDecoder } from '../projections/index.ts';
import { keepLeaseAlive, releaseLease, waitForLease, type Lease, readVersionRow } from '../registry/index.ts';
import { type ProjectionDefinition } from '../definitions/index.ts';
import { buildVersion, type BuildOutcome } from './buildVersion.ts';
import type { RebuildEvents } from './rebuildEvents.ts';

export type RunnerOptions = {
  readonly pool: pg.Pool;
  readonly client: LogClient;
  readonly definition: ProjectionDefinition;
  readonly decode: EventDecoder;
  readonly holder: string;
  readonly leaseTtlMs: number;
  readonly events: Emitter<RebuildEvents>;
  /** Called each time its projector reaches a fresh target (the first time after a build: caught up). */
  readonly onCaughtUp: (positions: OffsetVector) => void;
  readonly limits?: Partial<BatchLimits>;
  readonly waitRetryMs?: number;
  readonly retry?: { readonly minMs?: number; readonly maxMs?: number };
  readonly logger?: Logger;
};

/** building: before its target is fixed; replaying: after (a new request from scratch restarts it). */
export type RunnerPhase =
  'starting' | 'waiting-for-lease' | 'building' | 'replaying' | 'tailing' | 'stopped' | 'failed';

const fatal = (error: unknown): error is ProjectionistError =>
  isProjectionistError(error, 'PRJ_HANDLER_FAILED') || isProjectionistError(error, 'PRJ_PROJECTION_INVALID');

/**
 * Works on one projection version in this process for as long as the engine wants it: waits
 * for the version's lease (standing by while another process has it, taking over when it
 * expires), runs the bulk build when the version is building, then hands the lease to a live
 * Projector under the same holder (it takes it at once, fencing the build's token) that catches
 * up to a fresh target and tails. A fault a retry may fix starts over from the checkpoints.
 */
export class VersionRunner {
  readonly #options: RunnerOptions;
  readonly #stop = new AbortController();
  #phase: RunnerPhase = 'starting';
  #projector: Projector | undefined;
  #running: Promise<void> | undefined;

  constructor(options: RunnerOptions) {
    this.#options = options;
  }

  get phase(): RunnerPhase {
    return this.#phase;
  }

  /** Its projector has caught up and tails the log: the version is current. */
  get current(): boolean {
    return this.#phase === 'tailing' && this.#projector?.state.status === 'tailing';
  }

  start(): void {
    this.#running ??= this.#run();
  }

  /** Stops at once: what was applied is flushed and the lease let go. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  async #run(): Promise<void> {
    const { pool, definition, holder, events, logger } = this.#options;
    const { name, version } = definition;
    const signal = this.#stop.signal;
    let failures = 0;
    while (!signal.aborted) {
      try {
        this.#phase = 'waiting-for-lease';
        const lease = await waitForLease({
          db: pool,
          name,
          version,
          holder,
          ttlMs: this.#options.leaseTtlMs,
          signal,
          onWait: () => events.emit('rebuild:standby', { name, version, holder }),
        });
        const row = await readVersionRow({ db: pool, name, version });
        const status = row?.state.status;
        // Changed since the engine looked (failed, retired, paused): its next poll stops this runner.
        if (row === undefined || row.paused || status === 'failed' || status === 'retired') {
          await releaseLease(pool, lease).catch(() => undefined);
          this.#phase = 'stopped';
          return;
        }
        if (status === 'building') {
          this.#phase = 'building';
          const outcome = await this.#build(lease, signal);
          if (outcome === 'lease-lost') continue;
          if (outcome !== 'built') {
            this.#phase = outcome === 'failed' ? 'failed' : 'stopped';
            return;
          }
        }
        this.#phase = 'tailing';
        const failed = await this.#tail(signal);
        this.#phase = failed ? 'failed' : 'stopped';
        return;
      } catch (error) {
        if (signal.aborted) break;
        if (fatal(error)) {
          this.#phase = 'failed';
          logger?.error({ err: error }, 'projection version failed');
          events.emit('rebuild:failed', { name, version, error });
          return;
        }
        if (isProjectionistError(error, 'PRJ_LEASE_LOST')) continue;
        const retryInMs = backoffDelay({
          backoff: this.#options.retry,
          defaults: engineDefaults.projector.retry,
          failures: failures++,
        });
        logger?.warn({ err: error, retryInMs }, 'rebuild fault; resuming from checkpoints');
        events.emit('rebuild:error', { name, version, error, retryInMs });
        await sleep(retryInMs, undefined, { signal }).catch(() => undefined);
      }
    }
    this.#phase = 'stopped';
  }

  /** The bulk phase; the lease is kept for the projector when it is built, let go otherwise. */
  async #build(lease: Lease, signal: AbortSignal): Promise<BuildOutcome | 'lease-lost'> {
    const leaseLost = new AbortController();
    const stopRenewing = keepLeaseAlive({ db: this.#options.pool, lease, onLost: () => leaseLost.abort() });
    let outcome: BuildOutcome | 'lease-lost' = 'stopped';
    try {
      outcome = await buildVersion({
        ...this.#options,
        lease,
        signal: AbortSignal.any([signal, leaseLost.signal]),
        onTargetFixed: () => {
          this.#phase = 'replaying';
        },
        ...(this.#options.logger === undefined ? {} : { logger: this.#options.logger }),
      });
      if (leaseLost.signal.aborted) outcome = 'lease-lost';
      return outcome;
    } finally {
      stopRenewing();
      if (outcome !== 'built' || signal.aborted)
        await releaseLease(this.#options.pool, lease).catch(() => undefined);
    }
  }

  /** Tails with a live projector until stopped; answers true when the version failed. */
  async #tail(signal: AbortSignal): Promise<boolean> {
    const { pool, client, definition, decode, holder, events, logger } = this.#options;
    const { name, version } = definition;
    const projector = new Projector({
      pool,
      client,
      definition,
      decode,
      holder,
      leaseTtlMs: this.#options.leaseTtlMs,
      ...(this.#options.limits === undefined ? {} : { limits: this.#options.limits }),
      ...(this.#options.waitRetryMs === undefined ? {} : { waitRetryMs: this.#options.waitRetryMs }),
      ...(this.#options.retry === undefined ? {} : { retry: this.#options.retry }),
      ...(logger === undefined ? {} : { logger }),
    });
    this.#projector = projector;
    let failure: ProjectionistError | undefined;
    const ended = new Promise<void>((resolve) => {
      projector.events.on('projector:failed', ({ error }) => {
        failure = error;
        resolve();
      });
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    projector.events.on('projector:caught-up', ({ positions }) => this.#options.onCaughtUp(positions));
    projector.events.on('projector:waiting-for-lease', () =>
      events.emit('rebuild:standby', { name, version, holder }),
    );
    projector.events.on('projector:error', ({ error, retryInMs }) =>
      events.emit('rebuild:error', { name, version, error, retryInMs }),
    );
    if (!signal.aborted) {
      await projector.start();
      await ended;
    }
    await projector.stop();
    if (failure !== undefined) events.emit('rebuild:failed', { name, version, error: failure });
    return failure !== undefined;
  }
}
