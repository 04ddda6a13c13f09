import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { backoffDelay, engineDefaults } from '../config/index.ts';
import { isProjectionistError, type ProjectionistError } from '../errors/index.ts';
import { highWatermarks, type LogClient } from '../log/index.ts';
import { scoped, type Logger } from '../logger/index.ts';
import {
  keepLeaseAlive,
  releaseLease,
  waitForLease,
  type Lease,
  defaultHolder,
  migrateRegistry,
  parkedRetryDue,
  type RetryScope,
  registerVersion,
  setVersionState,
} from '../registry/index.ts';
import { createEmitter, type Emitter } from './createEmitter.ts';
import { createIndexes, createTables } from './createTables.ts';
import type { EventDecoder } from './eventDecoder.ts';
import type { ProjectionDefinition } from '../definitions/index.ts';
import type { ProjectorEvents } from './projectorEvents.ts';
import { projectSegment } from './projectSegment.ts';
import { retryParked } from './retryParked.ts';
import { defaultBatchLimits, type BatchLimits } from './runBatches.ts';

export type ProjectorOptions = {
  readonly pool: pg.Pool;
  readonly client: LogClient;
  readonly definition: ProjectionDefinition;
  readonly decode: EventDecoder;
  /** Who this process is, in the lease. Default host:pid:random. */
  readonly holder?: string;
  /** How long the lease outlives this process's last renewal. Default 30,000 ms. */
  readonly leaseTtlMs?: number;
  readonly limits?: Partial<BatchLimits>;
  /** Backoff after a fault a retry may fix: from `minMs`, doubling to `maxMs`. Default 200 to 10,000 ms. */
  readonly retry?: { readonly minMs?: number; readonly maxMs?: number };
  /** Pause before retrying an event newer than this code (only where events are not parked). Default 5,000 ms. */
  readonly waitRetryMs?: number;
  /** How often the tail looks for parked events an operator asked to retry. Default 2,000 ms. */
  readonly parkedPollMs?: number;
  /** How often the tail retries parked events that wait for a newer version. Default 30,000 ms. */
  readonly parkedRetryMs?: number;
  readonly logger?: Logger;
};

export type ProjectorState =
  | { readonly status: 'idle' }
  | { readonly status: 'waiting-for-lease' }
  | { readonly status: 'catching-up' }
  | { readonly status: 'tailing' }
  | { readonly status: 'retrying'; readonly error: unknown }
  | { readonly status: 'failed'; readonly error: ProjectionistError }
  | { readonly status: 'stopped' };

const fatal = (error: unknown): error is ProjectionistError =>
  isProjectionistError(error, 'PRJ_HANDLER_FAILED') || isProjectionistError(error, 'PRJ_PROJECTION_INVALID');

/**
 * Keeps one projection version up to date with the log. Takes the version's lease, creates its
 * tables when missing (bare), replays from its checkpoints up to the head seen at start, builds
 * the secondary indexes (`projector:caught-up`), then tails. A fault a retry may fix (a lost connection, a failed
 * commit, a lost lease) starts over from the committed checkpoints with a fresh cache. An event
 * it cannot take is parked (`projector:parked`) and its stream's later events queue behind it;
 * under the definition's `onPoison: 'stop'` a handler's failure or refused rows mark the version
 * failed and stop it. Parked events are retried when it starts, when an operator asks (polled
 * every `parkedPollMs`) and, for those waiting for a newer version, every `parkedRetryMs`.
 */
export class Projector {
  readonly events: Emitter<ProjectorEvents> = createEmitter<ProjectorEvents>();
  readonly #options: ProjectorOptions;
  readonly #holder: string;
  readonly #limits: BatchLimits;
  readonly #stop = new AbortController();
  readonly #logger: Logger | undefined;
  #state: ProjectorState = { status: 'idle' };
  #running: Promise<void> | undefined;

  constructor(options: ProjectorOptions) {
    this.#options = options;
    this.#holder = options.holder ?? defaultHolder();
    this.#limits = { ...defaultBatchLimits, ...options.limits };
    this.#logger =
      options.logger === undefined
        ? undefined
        : scoped(options.logger, 'projections').child({
            projection: options.definition.name,
            version: options.definition.version,
          });
  }

  get state(): ProjectorState {
    return this.#state;
  }

  /** Registers the version (reporting drift) and starts working in the background. */
  async start(): Promise<void> {
    if (this.#running !== undefined) return;
    const { pool, definition } = this.#options;
    await migrateRegistry({ pool });
    const { drift } = await registerVersion({ pool, definition });
    if (drift !== undefined) {
      this.#logger?.warn({ storedHash: drift.storedHash, codeHash: drift.codeHash }, drift.advice);
      this.events.emit('projector:drift', drift);
    }
    this.#running = this.#run();
  }

  /** Flushes what was applied, lets the lease go and stops. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  async #run(): Promise<void> {
    const { pool, definition } = this.#options;
    const { name, version } = definition;
    const signal = this.#stop.signal;
    let failures = 0;
    let lease: Lease | undefined;
    while (!signal.aborted) {
      const leaseLost = new AbortController();
      let stopRenewing = () => {};
      try {
        this.#state = { status: 'waiting-for-lease' };
        lease = await waitForLease({
          db: pool,
          name,
          version,
          holder: this.#holder,
          ttlMs: this.#options.leaseTtlMs ?? engineDefaults.leases.versionTtlMs,
          signal,
          onWait: () =>
            this.events.emit('projector:waiting-for-lease', { name, version, holder: this.#holder }),
        });
        stopRenewing = keepLeaseAlive({ db: pool, lease, onLost: () => leaseLost.abort() });
        await createTables({ db: pool, definition });
        const segmentSignal = AbortSignal.any([signal, leaseLost.signal]);
        const done = await this.#segments(lease, segmentSignal);
        if (leaseLost.signal.aborted) this.events.emit('projector:lease-lost', { name, version });
        else if (done) break;
        failures = 0;
      } catch (error) {
        if (signal.aborted) break;
        if (fatal(error)) {
          this.#state = { status: 'failed', error };
          this.#logger?.error({ err: error }, 'projection version failed');
          await setVersionState({
            db: pool,
            name,
            version,
            state: { status: 'failed', reason: error.message },
          }).catch(() => undefined);
          this.events.emit('projector:failed', { name, version, error });
          break;
        }
        if (isProjectionistError(error, 'PRJ_LEASE_LOST')) {
          this.events.emit('projector:lease-lost', { name, version });
          continue;
        }
        const retryInMs = backoffDelay({
          backoff: this.#options.retry,
          defaults: engineDefaults.projector.retry,
          failures: failures++,
        });
        this.#state = { status: 'retrying', error };
        this.#logger?.warn({ err: error, retryInMs }, 'projector fault; resuming from checkpoints');
        this.events.emit('projector:error', { name, version, error, retryInMs });
        await sleep(retryInMs, undefined, { signal }).catch(() => undefined);
      } finally {
        stopRenewing();
      }
    }
    if (lease !== undefined) await releaseLease(pool, lease).catch(() => undefined);
    if (this.#state.status === 'failed') return;
    this.#state = { status: 'stopped' };
    this.events.emit('projector:stopped', { name, version });
  }

  /** Catches up to the head seen now, then tails. Answers true when stopped, false to start over. */
  async #segments(lease: Lease, signal: AbortSignal): Promise<boolean> {
    const { pool, client, definition, decode } = this.#options;
    const { name, version } = definition;
    const common = {
      pool,
      client,
      definition,
      decode,
      lease,
      limits: this.#limits,
      emitter: this.events,
      signal,
    };
    this.#state = { status: 'catching-up' };
    // This code may know what the code that parked them did not.
    await this.#retry(lease, 'all');
    const target = await highWatermarks({ client, topic: client.topics.events });
    const caughtUp = await projectSegment({
      ...common,
      until: target,
      onOpen: ({ from, emptyTables }) =>
        this.events.emit('projector:started', {
          name,
          version,
          holder: lease.holder,
          token: lease.token,
          from,
          emptyTables,
        }),
    });
    if (caughtUp.status === 'stopped') return true;
    if (caughtUp.status === 'waiting') return this.#wait(caughtUp.position, caughtUp.reason, signal);
    // Secondary indexes come after the replay into bare tables (a no-op once they exist).
    await createIndexes({ db: pool, definition });
    await setVersionState({
      db: pool,
      name,
      version,
      state: { status: 'catching-up' },
      onlyFrom: 'building',
    });
    this.events.emit('projector:caught-up', { name, version, positions: caughtUp.positions });
    this.#logger?.info('caught up; tailing the log');
    this.#state = { status: 'tailing' };
    for (;;) {
      const due = new AbortController();
      const watching = this.#watchParked(due, signal);
      const tail = await projectSegment({
        ...common,
        until: 'forever',
        signal: AbortSignal.any([signal, due.signal]),
      }).finally(() => due.abort());
      const scope = await watching;
      if (tail.status === 'waiting') return this.#wait(tail.position, tail.reason, signal);
      if (signal.aborted || scope === undefined) return true;
      await this.#retry(lease, scope);
    }
  }

  async #retry(lease: Lease, scope: RetryScope): Promise<void> {
    const { pool, definition, decode } = this.#options;
    const released = await retryParked({
      pool,
      definition,
      decode,
      lease,
      copyThreshold: this.#limits.copyThreshold,
      emitter: this.events,
      scope,
    });
    if (released > 0) this.#logger?.info({ released, scope }, 'parked events retried and applied');
  }

  /**
   * Until `done` aborts (the tail ended) or a retry is due: answers the scope of the retry that
   * stopped the tail (aborting `done`), or undefined when the tail ended by itself.
   */
  async #watchParked(done: AbortController, signal: AbortSignal): Promise<RetryScope | undefined> {
    const { pool, definition } = this.#options;
    const { name, version } = definition;
    const pollMs = this.#options.parkedPollMs ?? engineDefaults.projector.parkedPollMs;
    const retryMs = this.#options.parkedRetryMs ?? engineDefaults.projector.parkedRetryMs;
    // Counted from the start of this tail: it starts after every retry.
    const since = performance.now();
    const stop = AbortSignal.any([signal, done.signal]);
    while (!stop.aborted) {
      await sleep(pollMs, undefined, { signal: stop }).catch(() => undefined);
      if (stop.aborted) return undefined;
      const due = await parkedRetryDue({ db: pool, name, version }).catch(() => undefined);
      const waitingDue = due?.waiting === true && performance.now() - since >= retryMs;
      if (due?.requested !== true && !waitingDue) continue;
      done.abort();
      return due?.requested === true ? 'requested' : 'waiting';
    }
    return undefined;
  }

  async #wait(
    position: { partition: number; offset: bigint },
    reason: string,
    signal: AbortSignal,
  ): Promise<boolean> {
    const { name, version } = this.#options.definition;
    const retryAfterMs = this.#options.waitRetryMs ?? engineDefaults.projector.waitRetryMs;
    this.#logger?.warn(
      { partition: position.partition, offset: position.offset.toString(), reason },
      'waiting for newer code',
    );
    this.events.emit('projector:waiting', { name, version, position, reason, retryAfterMs });
    await sleep(retryAfterMs, undefined, { signal }).catch(() => undefined);
    return signal.aborted;
  }
}
