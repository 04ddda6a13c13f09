import type pg from 'pg';
import type { LogClient, OffsetVector } from '../log/index.ts';
import type { Logger } from '../logger/index.ts';
import {
  createEmitter,
  runVersion,
  type BatchLimits,
  type Emitter,
  type EventDecoder,
  type ProjectorEvents,
  type ProjectorState,
  type ReplayThreadOptions,
} from '../projections/index.ts';
import { type ProjectionDefinition } from '../definitions/index.ts';
import { planBuild } from './planBuild.ts';
import type { RebuildEvents } from './rebuildEvents.ts';

export type RunnerOptions = {
  readonly pool: pg.Pool;
  readonly client: LogClient;
  readonly definition: ProjectionDefinition;
  readonly decode: EventDecoder;
  readonly holder: string;
  readonly leaseTtlMs: number;
  readonly events: Emitter<RebuildEvents>;
  /** Called each time its run reaches a fresh target (the first time after a build: caught up). */
  readonly onCaughtUp: (positions: OffsetVector) => void;
  readonly limits?: Partial<BatchLimits>;
  readonly waitRetryMs?: number;
  readonly retry?: { readonly minMs?: number; readonly maxMs?: number };
  /** Where a build's replay runs (see runVersion). */
  readonly thread?: ReplayThreadOptions;
  readonly logger?: Logger;
};

/** building: before its target is fixed; replaying: after (a new request from scratch restarts it). */
export type RunnerPhase =
  'starting' | 'waiting-for-lease' | 'building' | 'replaying' | 'tailing' | 'stopped' | 'failed';

/**
 * Works on one projection version in this process for as long as the engine wants it: one
 * runVersion under one lease (standing by while another process has it, taking over when it
 * expires) with the rebuild's plan (planBuild): a version still building is built to its fixed
 * target with its progress reported, then it catches up to a fresh target and tails; the run's
 * events are the engine's (rebuild:standby, rebuild:waiting during the build, rebuild:error,
 * rebuild:failed).
 */
export class VersionRunner {
  readonly #options: RunnerOptions;
  readonly #stop = new AbortController();
  #phase: RunnerPhase = 'starting';
  #state: ProjectorState = { status: 'idle' };
  #running: Promise<void> | undefined;

  constructor(options: RunnerOptions) {
    this.#options = options;
  }

  get phase(): RunnerPhase {
    return this.#phase;
  }

  /** It has caught up and tails the log: the version is current. */
  get current(): boolean {
    return this.#phase === 'tailing' && this.#state.status === 'tailing';
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
    const { pool, client, definition, events, logger } = this.#options;
    const emitter = this.#translated();
    try {
      const result = await runVersion({
        ...this.#options,
        emitter,
        signal: this.#stop.signal,
        plan: (lease) =>
          planBuild({
            pool,
            client,
            definition,
            lease,
            events,
            onPhase: (phase) => {
              this.#phase = phase;
            },
            ...(logger === undefined ? {} : { logger }),
          }),
        onState: (state) => {
          this.#state = state;
          if (state.status === 'waiting-for-lease') this.#phase = 'waiting-for-lease';
        },
      });
      this.#phase = result.status === 'failed' ? 'failed' : 'stopped';
    } catch (error) {
      // The registry is gone or not migrated: the engine's next poll starts it again.
      this.#phase = 'stopped';
      events.emit('engine:error', { error });
    }
  }

  /** The run's events, as the engine reports them. */
  #translated(): Emitter<ProjectorEvents> {
    const { definition, holder, events, onCaughtUp } = this.#options;
    const { name, version } = definition;
    const emitter = createEmitter<ProjectorEvents>();
    const building = () => this.#phase === 'replaying';
    emitter.on('projector:waiting-for-lease', () =>
      events.emit('rebuild:standby', { name, version, holder }),
    );
    emitter.on('projector:caught-up', ({ positions }) => onCaughtUp(positions));
    emitter.on('projector:batch', (batch) => events.emit('version:batch', batch));
    emitter.on('projector:released', (released) => events.emit('version:released', released));
    emitter.on('projector:error', ({ error, retryInMs }) =>
      events.emit('rebuild:error', { name, version, error, retryInMs }),
    );
    emitter.on('projector:failed', ({ error }) => events.emit('rebuild:failed', { name, version, error }));
    emitter.on('projector:waiting', ({ position, reason }) => {
      if (building()) events.emit('rebuild:waiting', { name, version, position, reason });
    });
    // An event newer than this code waits parked, its stream behind it; the build goes on.
    emitter.on('projector:parked', (parking) => {
      events.emit('version:parked', parking);
      if (!building()) return;
      const { events: parked } = parking;
      for (const { position, reason, kind, behind } of parked)
        if (kind === 'waiting' && behind === null)
          events.emit('rebuild:waiting', { name, version, position, reason });
    });
    return emitter;
  }
}
