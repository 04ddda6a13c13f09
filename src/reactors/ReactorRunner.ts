import { backoffDelay, engineDefaults } from '../config/index.ts';
import { ProjectionistError } from '../errors/index.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { highWatermarks, readLog, type LogClient, type LogRecord } from '../log/index.ts';
import { scoped, type Logger } from '../logger/index.ts';
import {
  keepLeaseAlive,
  releaseLease,
  checkpointsStatement,
  inLeasedRoundTrip,
  waitForLease,
  type Lease,
  readCheckpoints,
  defaultHolder,
  requireRegistry,
} from '../registry/index.ts';
import { createEmitter, type Emitter, decodeRecord, type EventDecoder } from '../projections/index.ts';
import type { ReactorDefinition } from './defineReactor.ts';
import type { ProjectionEvent } from '../definitions/index.ts';
import type { ReactorEvents } from './reactorEvents.ts';

export type ReactorRunnerOptions = {
  readonly pool: pg.Pool;
  readonly client: LogClient;
  readonly reactor: ReactorDefinition;
  readonly decode: EventDecoder;
  readonly holder?: string;
  /** Default 30,000 ms. */
  readonly leaseTtlMs?: number;
  /** Backoff after a failure: from `minMs`, doubling to `maxMs`. Default 200 to 30,000 ms. */
  readonly retry?: { readonly minMs?: number; readonly maxMs?: number };
  readonly logger?: Logger;
};

/**
 * Runs a reactor on live events. On its very first start it begins at the head of the log (a
 * new reactor does not act on history); after that, from its own checkpoint (registry name
 * `reactor:<name>`, version 0), saved after every event it handles under its lease, so it
 * never skips one and repeats at most the one in flight at a crash.
 */
export class ReactorRunner {
  readonly events: Emitter<ReactorEvents> = createEmitter<ReactorEvents>();
  readonly #options: ReactorRunnerOptions;
  readonly #key: string;
  readonly #stop = new AbortController();
  readonly #logger: Logger | undefined;
  #running: Promise<void> | undefined;

  constructor(options: ReactorRunnerOptions) {
    this.#options = options;
    this.#key = `reactor:${options.reactor.name}`;
    this.#logger =
      options.logger && scoped(options.logger, 'projections').child({ reactor: options.reactor.name });
  }

  async start(): Promise<void> {
    if (this.#running !== undefined) return;
    await requireRegistry({ db: this.#options.pool });
    this.#running = this.#run();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  #backoff(failures: number): number {
    return backoffDelay({ backoff: this.#options.retry, defaults: engineDefaults.reactor.retry, failures });
  }

  async #save(lease: Lease, positions: ReadonlyMap<number, bigint>): Promise<void> {
    // One round trip, as a live flush: begin, the lease check (which fails when the lease was
    // taken over, so nothing after it commits), the checkpoints, commit.
    const checkpoints = checkpointsStatement({ name: this.#key, version: 0, positions: new Map(positions) });
    await inLeasedRoundTrip(this.#options.pool, lease, checkpoints === undefined ? [] : [checkpoints]);
  }

  async #run(): Promise<void> {
    const { pool, client, reactor } = this.#options;
    const signal = this.#stop.signal;
    let failures = 0;
    let lease: Lease | undefined;
    while (!signal.aborted) {
      const lost = new AbortController();
      let stopRenewing = () => {};
      try {
        lease = await waitForLease({
          db: pool,
          name: this.#key,
          version: 0,
          holder: this.#options.holder ?? defaultHolder(),
          ttlMs: this.#options.leaseTtlMs ?? engineDefaults.leases.versionTtlMs,
          signal,
        });
        stopRenewing = keepLeaseAlive({ db: pool, lease, onLost: () => lost.abort() });
        let from = await readCheckpoints({ db: pool, name: this.#key, version: 0 });
        if (from.size === 0) {
          from = await highWatermarks({ client, topic: client.topics.events });
          await this.#save(lease, from);
        }
        this.events.emit('reactor:started', { name: reactor.name, from });
        await this.#tail(lease, new Map(from), AbortSignal.any([signal, lost.signal]));
        failures = 0;
      } catch (error) {
        if (signal.aborted) break;
        const retryInMs = this.#backoff(failures++);
        this.#logger?.warn({ err: error, retryInMs }, 'reactor fault; resuming from its checkpoint');
        this.events.emit('reactor:error', { name: reactor.name, error, retryInMs });
        await sleep(retryInMs, undefined, { signal }).catch(() => undefined);
      } finally {
        stopRenewing();
      }
    }
    if (lease !== undefined) await releaseLease(pool, lease).catch(() => undefined);
    this.events.emit('reactor:stopped', { name: reactor.name });
  }

  async #tail(lease: Lease, positions: Map<number, bigint>, signal: AbortSignal): Promise<void> {
    const { client, reactor, decode } = this.#options;
    const types = new Set(Object.keys(reactor.handlers));
    for await (const batch of readLog({ client, topic: client.topics.events, from: positions, signal })) {
      for (const record of batch.records) {
        const outcome = decodeRecord({ record, types, decode });
        const position = { partition: record.partition, offset: record.offset };
        if (outcome.kind === 'skipped')
          this.events.emit('reactor:skipped', { name: reactor.name, position, reason: outcome.reason });
        if (outcome.kind === 'wait') {
          await this.#save(lease, positions);
          throw new ProjectionistError('PRJ_WAITING_FOR_CODE', `waiting for newer code: ${outcome.reason}`);
        }
        if (outcome.kind !== 'event') continue;
        if (!(await this.#fire(outcome.event, record, signal))) return;
        positions.set(record.partition, record.offset + 1n);
        await this.#save(lease, positions);
      }
      positions.set(batch.partition, batch.next);
      if (signal.aborted) break;
    }
    await this.#save(lease, positions);
  }

  /** Tries the handler until it succeeds (true) or the runner stops (false). */
  async #fire(event: ProjectionEvent, record: LogRecord, signal: AbortSignal): Promise<boolean> {
    const { reactor } = this.#options;
    const handler = reactor.handlers[event.type];
    if (handler === undefined) return true;
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        await handler(event, { signal, attempt });
        this.events.emit('reactor:fired', {
          name: reactor.name,
          type: event.type,
          eventId: event.eventId,
          position: { partition: record.partition, offset: record.offset },
        });
        return true;
      } catch (error) {
        const retryInMs = this.#backoff(attempt - 1);
        this.events.emit('reactor:error', { name: reactor.name, error, retryInMs });
        await sleep(retryInMs, undefined, { signal }).catch(() => undefined);
      }
    }
    return false;
  }
}
