import type pg from 'pg';
import { engineDefaults } from '../config/index.ts';
import { isProjectionistError } from '../errors/index.ts';
import type { LogClient, OffsetVector } from '../log/index.ts';
import { scoped, type Logger } from '../logger/index.ts';
import {
  createEmitter,
  type BatchLimits,
  type Emitter,
  type EventDecoder,
  type ReplayThreadOptions,
} from '../projections/index.ts';
import {
  defaultHolder,
  registerVersion,
  requireRegistry,
  readVersionRows,
  type VersionRow,
  writeRebuild,
} from '../registry/index.ts';
import { type ProjectionDefinition } from '../definitions/index.ts';
import { createRegistryWatcher } from './createRegistryWatcher.ts';
import { firstInLine, type CutoverPolicy, type SwitchIntent } from './decideSwitch.ts';
import type { RebuildEvents } from './rebuildEvents.ts';
import { retire } from './retire.ts';
import { switchVersion } from './switchVersion.ts';
import { VersionRunner } from './VersionRunner.ts';

export type { CutoverPolicy } from './decideSwitch.ts';

export type RebuildEngineOptions = {
  readonly pool: pg.Pool;
  readonly client: LogClient;
  /** The deployed projection versions; the engine works on every one of them. */
  readonly definitions: readonly ProjectionDefinition[];
  readonly decode: EventDecoder;
  readonly logger?: Logger;
  /** Who this process is, in the leases. Default host:pid:random. */
  readonly holder?: string;
  /** How long a lease outlives its holder's last renewal: the takeover delay after a crash. Default 30,000 ms. */
  readonly leaseTtlMs?: number;
  /** Build a deployed version that has no tables yet without being asked. */
  readonly autoRebuild: boolean;
  /**
   * Per projection; default 'manual': only an operator moves its reads. A projection serving no
   * version takes its first either way: the lowest version on its way to serve, once caught up.
   * Asked again inside every switching transaction, so its answer then is the one that counts.
   */
  readonly cutoverPolicy?: (name: string) => CutoverPolicy;
  /** Retire a standby version after this long on standby; undefined (the default) never does. */
  readonly retireAfterMs?: number | undefined;
  /** How often the registry is read for operators' changes. Default 1,000 ms. */
  readonly pollMs?: number;
  /** Batch limits of builds and tails. Default the engine's (defaultBatchLimits). */
  readonly limits?: Partial<BatchLimits>;
  /** Automatic cutovers: lock_timeout of each attempt (default 100 ms), bound on all (default 5,000 ms). */
  readonly lockTimeoutMs?: number;
  readonly maxWaitMs?: number;
  /** After a refused automatic cutover, the next try. Default 30,000 ms. */
  readonly autoCutoverRetryMs?: number;
  /** Pause before retrying an event newer than this code. Default 5,000 ms. */
  readonly waitRetryMs?: number;
  /** Backoff after a fault a retry may fix. Default 200 to 10,000 ms. */
  readonly retry?: { readonly minMs?: number; readonly maxMs?: number };
  /** Run each build's replay in a worker thread of its own (see replayInThread); default in this thread. */
  readonly thread?: ReplayThreadOptions;
};

const keyOf = (name: string, version: number) => `${name}\u0000${version}`;

const stopReason = (
  row: VersionRow | undefined,
  rebuilding: boolean,
): RebuildEvents['rebuild:stopped']['reason'] => {
  if (row === undefined || row.state.status === 'retired') return 'retired';
  if (row.paused) return 'paused';
  if (rebuilding) return 'rebuild-requested';
  return row.cancelled ? 'cancelled' : 'failed';
};

/**
 * Builds, catches up, cuts over and retires projection versions, in the background, for every
 * deployed definition. A lifecycle resource: start() once, stop() at shutdown.
 * Every instance runs one; a version's lease decides which process works on it, the others
 * stand by and take over when it expires. Operators act through the registry (cutover, pause,
 * requestRebuild...), from any process; the engine reads it every `pollMs` and follows.
 */
export class RebuildEngine {
  readonly events: Emitter<RebuildEvents> = createEmitter<RebuildEvents>();
  readonly holder: string;
  readonly #options: RebuildEngineOptions;
  readonly #logger: Logger | undefined;
  readonly #runners = new Map<string, VersionRunner>();
  readonly #watcher: ReturnType<typeof createRegistryWatcher>;
  readonly #cutovers = new Map<string, Promise<void>>();
  readonly #nextCutover = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #started = false;
  #stopped = false;

  constructor(options: RebuildEngineOptions) {
    this.#options = options;
    this.holder = options.holder ?? defaultHolder();
    this.#logger = options.logger === undefined ? undefined : scoped(options.logger, 'rebuild');
    this.#watcher = createRegistryWatcher({
      pool: options.pool,
      names: [...new Set(options.definitions.map((d) => d.name))],
      events: this.events,
    });
  }

  /**
   * Registers every deployed version (reporting drift) and starts working. The registry must be
   * migrated first (migrateRegistry, at start-up; PRJ_REGISTRY_MISSING otherwise).
   */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const { pool, definitions } = this.#options;
    await requireRegistry({ db: pool });
    for (const definition of definitions) {
      const { drift } = await registerVersion({ pool, definition });
      if (drift === undefined) continue;
      this.#logger?.warn({ name: drift.name, version: drift.version }, drift.advice);
      this.events.emit('version:drift', drift);
    }
    await this.#watcher.prime();
    this.#ticking = this.#tick();
    await this.#ticking;
  }

  /** Stops every version's work (flushing what was applied, letting the leases go). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#ticking;
    await Promise.allSettled(this.#cutovers.values());
    const runners = [...this.#runners.entries()];
    this.#runners.clear();
    await Promise.all(runners.map(([, runner]) => runner.stop()));
    for (const [key] of runners) {
      const [name = '', version = '0'] = key.split('\u0000');
      this.events.emit('rebuild:stopped', { name, version: Number(version), reason: 'engine-stopped' });
    }
  }

  async #tick(): Promise<void> {
    try {
      const { pool, definitions } = this.#options;
      const rows = await readVersionRows({ db: pool, names: [...new Set(definitions.map((d) => d.name))] });
      await this.#watcher.observe(rows);
      const byKey = new Map(rows.map((r) => [keyOf(r.name, r.version), r]));
      for (const definition of definitions) {
        if (this.#stopped) return;
        await this.#reconcile(definition, byKey.get(keyOf(definition.name, definition.version)));
      }
      await this.#retireStandbys(rows);
      for (const row of rows)
        this.#considerCutover(
          row,
          rows.filter((r) => r.name === row.name),
        );
    } catch (error) {
      this.#logger?.warn({ err: error }, 'rebuild engine poll failed; trying again');
      this.events.emit('engine:error', { error });
    } finally {
      if (!this.#stopped)
        this.#timer = setTimeout(() => {
          this.#ticking = this.#tick();
        }, this.#options.pollMs ?? engineDefaults.rebuild.registryPollMs);
    }
  }

  /** Whether this process should work on the version now (the lease decides whether it does). */
  #wants(row: VersionRow): boolean {
    if (row.paused) return false;
    switch (row.state.status) {
      case 'failed':
      case 'retired':
        return false;
      case 'building':
        // A build that has begun resumes; a new one waits for autoRebuild or an operator's request.
        return (
          !row.cancelled &&
          (row.hasTables || row.startedAt !== null || row.requestedAt !== null || this.#options.autoRebuild)
        );
      default:
        return true;
    }
  }

  /** Starts, stops or restarts the version's runner to match the registry. */
  async #reconcile(definition: ProjectionDefinition, row: VersionRow | undefined): Promise<void> {
    const { name, version } = definition;
    const key = keyOf(name, version);
    const wanted = row !== undefined && this.#wants(row);
    const runner = this.#runners.get(key);
    if (runner !== undefined) {
      const finished = runner.phase === 'stopped' || runner.phase === 'failed';
      // A rebuild from scratch sends a built version back to building: its tail must make way; and
      // one asked during a build (the build cleared the previous request when it fixed its target)
      // starts that build over.
      const rebuilding =
        row?.state.status === 'building' &&
        (runner.phase === 'tailing' ||
          (runner.phase === 'replaying' && row.fromScratch && row.requestedAt !== null));
      if (wanted && !finished && !rebuilding) return;
      this.#runners.delete(key);
      await runner.stop();
      // A runner that ended by itself while still wanted (its version changed under it) is restarted quietly.
      if (!finished || !wanted)
        this.events.emit('rebuild:stopped', { name, version, reason: stopReason(row, rebuilding) });
      if (!wanted) return;
    }
    if (!wanted) return;
    const started = new VersionRunner({
      pool: this.#options.pool,
      client: this.#options.client,
      definition,
      decode: this.#options.decode,
      holder: this.holder,
      leaseTtlMs: this.#options.leaseTtlMs ?? engineDefaults.leases.versionTtlMs,
      events: this.events,
      onCaughtUp: (positions) => this.#caughtUp(definition, positions),
      ...(this.#options.limits === undefined ? {} : { limits: this.#options.limits }),
      ...(this.#options.waitRetryMs === undefined ? {} : { waitRetryMs: this.#options.waitRetryMs }),
      ...(this.#options.retry === undefined ? {} : { retry: this.#options.retry }),
      ...(this.#options.thread === undefined ? {} : { thread: this.#options.thread }),
      ...(this.#logger === undefined ? {} : { logger: this.#logger.child({ projection: name, version }) }),
    });
    this.#runners.set(key, started);
    started.start();
  }

  /** A version's projector reached a fresh target: a build is caught up; consider cutting over. */
  #caughtUp(definition: ProjectionDefinition, positions: OffsetVector): void {
    const { pool } = this.#options;
    const { name, version } = definition;
    void (async () => {
      const rows = await readVersionRows({ db: pool, names: [name] });
      const row = rows.find((r) => r.version === version);
      if (row?.state.status !== 'catching-up') return;
      if (row.caughtUpAt === null)
        await writeRebuild({ db: pool, name, version, fields: { caught_up_at: new Date() } });
      this.#logger?.info({ name, version }, 'caught up');
      this.events.emit('rebuild:caught-up', { name, version, positions });
      this.#considerCutover({ ...row, caughtUpAt: row.caughtUpAt ?? new Date() }, rows);
    })().catch((error: unknown) => this.events.emit('engine:error', { error }));
  }

  /**
   * Cuts over to a version this process keeps current when a rule lets the engine: the first
   * version of a projection that serves none (the lowest on its way to serve: `firstInLine`), or
   * under 'auto' a newer one than the active. `rows` are the projection's versions as read with
   * `row`: they only spare a doomed attempt; switchVersion decides again, in the transaction that
   * switches, under the projection row's lock. In the background; a refusal is reported and tried
   * again after `autoCutoverRetryMs`.
   */
  #considerCutover(row: VersionRow, rows: readonly VersionRow[]): void {
    const { name, version } = row;
    const key = keyOf(name, version);
    if (this.#stopped || this.#cutovers.has(key)) return;
    if (row.state.status !== 'catching-up' || row.caughtUpAt === null || row.paused) return;
    if (this.#runners.get(key)?.current !== true) return;
    const active = row.activeVersion;
    const policy = (): CutoverPolicy => this.#options.cutoverPolicy?.(name) ?? 'manual';
    let intent: SwitchIntent;
    if (active === null) {
      if (firstInLine(rows) !== version) return;
      intent = { kind: 'first-version' };
    } else {
      if (policy() !== 'auto' || version <= active) return;
      intent = { kind: 'auto', policy };
    }
    if ((this.#nextCutover.get(key) ?? 0) > performance.now()) return;
    const attempt = switchVersion({
      pool: this.#options.pool,
      client: this.#options.client,
      definitions: this.#options.definitions,
      name,
      version,
      actor: `rebuild-engine (${intent.kind === 'first-version' ? 'first version' : 'policy auto'}) ${this.holder}`,
      intent,
      expectedActive: active,
      verify: true,
      onVerified: (verification) => this.events.emit('rebuild:verified', verification),
      ...(this.#options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: this.#options.lockTimeoutMs }),
      ...(this.#options.maxWaitMs === undefined ? {} : { maxWaitMs: this.#options.maxWaitMs }),
    })
      .then(() => {
        this.#logger?.info({ name, from: active, to: version }, 'cut over');
      })
      .catch((error: unknown) => {
        this.#nextCutover.set(
          key,
          performance.now() + (this.#options.autoCutoverRetryMs ?? engineDefaults.rebuild.autoCutoverRetryMs),
        );
        if (isProjectionistError(error)) {
          this.#logger?.warn({ err: error, name, version }, 'automatic cutover refused');
          this.events.emit('cutover:refused', { name, version, error });
        } else this.events.emit('engine:error', { error });
      })
      .finally(() => this.#cutovers.delete(key));
    this.#cutovers.set(key, attempt);
  }

  /** Retires standby versions that have waited `retireAfterMs`; another process may race it, harmlessly. */
  async #retireStandbys(rows: readonly VersionRow[]): Promise<void> {
    const after = this.#options.retireAfterMs;
    if (after === undefined) return;
    for (const row of rows) {
      if (row.state.status !== 'standby' || row.stateAgeMs < after) continue;
      await retire({
        pool: this.#options.pool,
        name: row.name,
        version: row.version,
        actor: `rebuild-engine (standby for ${Math.round(row.stateAgeMs)} ms) ${this.holder}`,
      }).catch((error: unknown) => {
        // Retired meanwhile, or made active again by a rollback: nothing to do.
        if (!isProjectionistError(error, 'PRJ_VERSION_STATE')) throw error;
      });
    }
  }
}
