import type pg from 'pg';
import { engineDefaults } from '../config/index.ts';
import type { ProjectionDefinition } from '../definitions/index.ts';
import type { Logger } from '../logger/index.ts';
import { createEmitter, type Emitter } from '../projections/index.ts';
import { readVersionRows, recordShadowReads } from '../registry/index.ts';
import { compareRead, type ShadowedRead, type ShadowKey, type ShadowOutcome } from './compareRead.ts';

/** One shadow read's result, as metrics and tests subscribe to it. */
export type ShadowReadEvent = {
  readonly name: string;
  /** The candidate read again. */
  readonly version: number;
  /** The active version that answered the client. */
  readonly against: number;
  readonly table: string;
  readonly outcome: ShadowOutcome;
};

export type ShadowEvents = {
  'shadow:read': ShadowReadEvent;
  /** A sampled read not read again: `busy` (maxInFlight reads running), or `no-candidate` (none is caught up). */
  'shadow:skipped': { readonly name: string; readonly reason: 'busy' | 'no-candidate' };
};

type Candidate = { readonly definition: ProjectionDefinition | undefined; readonly until: number };

/**
 * Shadow reads of one serving process. For a projection given a share (PROJECTIONIST_SHADOW_READS),
 * that share of the reads the active version answered is read again, after the answer, from the
 * newest deployed version that is caught up and does not serve (the candidate), and compared
 * (compareRead). Outcomes are counted in the registry (recordShadowReads: status, the dashboard),
 * emitted as `shadow:read` (metrics), and a difference is logged with its keys. Nothing of it can
 * slow or fail the client's read: it runs later, at most `maxInFlight` at once, and a failure is
 * counted as an error.
 */
export class ShadowReads {
  readonly events: Emitter<ShadowEvents> = createEmitter<ShadowEvents>();
  readonly #pool: pg.Pool;
  readonly #definitions: readonly ProjectionDefinition[];
  readonly #shares: ReadonlyMap<string, number>;
  readonly #logger: Logger | undefined;
  readonly #random: () => number;
  readonly #candidates = new Map<string, Candidate>();
  readonly #inFlight = new Set<Promise<void>>();
  #closed = false;

  constructor(options: {
    pool: pg.Pool;
    definitions: readonly ProjectionDefinition[];
    /** Share of reads per projection, 0 to 1. */
    shares: ReadonlyMap<string, number>;
    logger?: Logger;
    /** Draws the sample; default Math.random. */
    random?: () => number;
  }) {
    this.#pool = options.pool;
    this.#definitions = options.definitions;
    this.#shares = options.shares;
    this.#logger = options.logger;
    this.#random = options.random ?? Math.random;
  }

  /** Takes note of a read the active version answered; reads it again later if sampled. Never throws. */
  observe(active: ProjectionDefinition, read: ShadowedRead): void {
    const share = this.#shares.get(active.name) ?? 0;
    if (this.#closed || share <= 0 || this.#random() >= share) return;
    if (this.#inFlight.size >= engineDefaults.shadowReads.maxInFlight) {
      this.events.emit('shadow:skipped', { name: active.name, reason: 'busy' });
      return;
    }
    const work = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#shadow(active, read))
      .catch((err: unknown) => this.#logger?.warn({ err, name: active.name }, 'shadow read failed'));
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }

  /** Stops sampling and waits for the reads under way. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#inFlight]);
  }

  async #candidateOf(active: ProjectionDefinition): Promise<ProjectionDefinition | undefined> {
    const cached = this.#candidates.get(active.name);
    if (cached !== undefined && cached.until > performance.now()) return cached.definition;
    const rows = await readVersionRows({ db: this.#pool, names: [active.name] });
    const ready = rows
      .filter(
        (r) =>
          r.version !== active.version &&
          r.activeVersion === active.version &&
          r.state.status === 'catching-up' &&
          r.caughtUpAt !== null &&
          !r.paused,
      )
      .map((r) => this.#definitions.find((d) => d.name === r.name && d.version === r.version))
      .filter((d) => d !== undefined)
      .sort((a, b) => b.version - a.version);
    const definition = ready[0];
    this.#candidates.set(active.name, {
      definition,
      until: performance.now() + engineDefaults.shadowReads.candidateTtlMs,
    });
    return definition;
  }

  async #shadow(active: ProjectionDefinition, read: ShadowedRead): Promise<void> {
    const candidate = await this.#candidateOf(active);
    if (candidate === undefined) {
      this.events.emit('shadow:skipped', { name: active.name, reason: 'no-candidate' });
      return;
    }
    const outcome = await compareRead({ pool: this.#pool, active, candidate, read });
    const { name } = active;
    const at = { name, version: candidate.version, against: active.version, table: read.table };
    let keys: readonly ShadowKey[] | undefined;
    if (outcome.kind === 'differing') {
      keys = outcome.keys.slice(0, engineDefaults.verification.differingKeys);
      this.#logger?.warn({ ...at, differing: outcome.keys.length, keys }, 'shadow read differs');
    } else if (outcome.kind === 'error')
      this.#logger?.warn({ ...at, reason: outcome.message }, 'shadow read could not run');
    await recordShadowReads({
      db: this.#pool,
      counts: {
        name,
        version: candidate.version,
        against: active.version,
        compared: outcome.kind === 'equal' || outcome.kind === 'differing' ? 1 : 0,
        differing: outcome.kind === 'differing' ? 1 : 0,
        errors: outcome.kind === 'error' ? 1 : 0,
        unaligned: outcome.kind === 'unaligned' ? 1 : 0,
        ...(keys === undefined ? {} : { lastKeys: keys }),
        ...(outcome.kind === 'error' ? { lastError: outcome.message } : {}),
      },
    });
    this.events.emit('shadow:read', { ...at, outcome });
  }
}
