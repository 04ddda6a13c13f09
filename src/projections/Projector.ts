import type pg from 'pg';
import type { LogClient } from '../log/index.ts';
import { scoped, type Logger } from '../logger/index.ts';
import { registerVersion, requireRegistry } from '../registry/index.ts';
import type { ProjectionDefinition } from '../definitions/index.ts';
import { createEmitter, type Emitter } from './createEmitter.ts';
import type { EventDecoder } from './eventDecoder.ts';
import type { ProjectorEvents } from './projectorEvents.ts';
import type { BatchLimits } from './runBatches.ts';
import { runVersion, type ProjectorState } from './runVersion.ts';

export type { ProjectorState } from './runVersion.ts';

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

/**
 * Keeps one projection version up to date with the log, in the background: runVersion under its
 * lease (standing by while another process holds it), catching up to the head seen at start
 * (`projector:caught-up`) and tailing. An event it cannot take is parked (`projector:parked`)
 * and its stream's later events queue behind it; under the definition's `onPoison: 'stop'` a
 * handler's failure or refused rows mark the version failed and stop it. The registry must be
 * migrated first (migrateRegistry, at start-up).
 */
export class Projector {
  readonly events: Emitter<ProjectorEvents> = createEmitter<ProjectorEvents>();
  readonly #options: ProjectorOptions;
  readonly #stop = new AbortController();
  readonly #logger: Logger | undefined;
  #state: ProjectorState = { status: 'idle' };
  #running: Promise<unknown> | undefined;

  constructor(options: ProjectorOptions) {
    this.#options = options;
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
    await requireRegistry({ db: pool });
    const { drift } = await registerVersion({ pool, definition });
    if (drift !== undefined) {
      this.#logger?.warn({ storedHash: drift.storedHash, codeHash: drift.codeHash }, drift.advice);
      this.events.emit('projector:drift', drift);
    }
    this.#running = runVersion({
      ...this.#options,
      emitter: this.events,
      signal: this.#stop.signal,
      onState: (state) => {
        this.#state = state;
      },
      ...(this.#logger === undefined ? {} : { logger: this.#logger }),
    });
  }

  /** Flushes what was applied, lets the lease go and stops. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }
}
