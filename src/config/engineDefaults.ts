/** From `minMs` after the first failure, doubling on each one after, to at most `maxMs`. */
export type Backoff = { readonly minMs: number; readonly maxMs: number };

export type EngineDefaults = {
  readonly leases: {
    /** Time to live of a projection version's (or a reactor's) lease after its last renewal, in ms. */
    readonly versionTtlMs: number;
    /** Time to live of the command state's lease, in ms: deciders wait on it, so another takes over sooner. */
    readonly commandStateTtlMs: number;
  };
  readonly projector: {
    /** Backoff of a projector or a rebuild after a fault a retry may fix. */
    readonly retry: Backoff;
    /** Pause before retrying an event newer than this code (where events are not parked), in ms. */
    readonly waitRetryMs: number;
    /** How often a tail looks for parked events an operator asked to retry, in ms. */
    readonly parkedPollMs: number;
    /** How often a tail retries parked events that wait for a newer version, in ms. */
    readonly parkedRetryMs: number;
    /** Longest the batch loop runs on the event loop before it lets others take a turn, in ms. */
    readonly yieldEveryMs: number;
    /** The same while an HTTP request of this process is open (src/projections/foreground.ts), in ms. */
    readonly foregroundYieldMs: number;
  };
  readonly reactor: {
    /** Backoff of a reactor after a failed handler or a fault. */
    readonly retry: Backoff;
  };
  readonly batchLimits: {
    /** Rows held in memory; reaching it flushes and evicts down to `keepShare` of it. */
    readonly maxRows: number;
    /**
     * The share of `maxRows` the cache bound keeps (the most recently written rows), 0 to < 1:
     * a replay's hot rows (a customer's running totals) stay, rather than being loaded again.
     */
    readonly keepShare: number;
    /** Records read before a flush. */
    readonly maxEvents: number;
    /** Longest an applied event waits for its flush while the log is quiet, in ms. */
    readonly maxDelayMs: number;
    /** Flush once the reader has nothing ready and no flush is in flight (live tails; replays never). */
    readonly flushWhenIdle: boolean;
    /** Rows of one table from which a flush uses COPY rather than one unnest() statement. */
    readonly copyThreshold: number;
  };
  /**
   * Keys of evicted rows a batch state remembers, across its tables: while it does, a key that
   * is neither in memory nor among them is known absent from a table built from empty, and needs
   * no load. Past it, the state forgets them and loads every key it does not hold. Kept as 32-bit
   * hashes (createKeyFilter), 4 to 8 bytes a key.
   */
  readonly maxEvictedKeys: number;
  /** `maxDelayMs` of a replay (a build or a catch-up), which reads history rather than a quiet log. */
  readonly replayMaxDelayMs: number;
  /**
   * The niceness of a replay thread (Linux; 0 to 19): above the serving thread's 0, so that the
   * scheduler gives a core to HTTP and the live projections first when they want one.
   */
  readonly replayThreadNice: number;
  /**
   * The young generation of a replay thread's heap, in MiB (three semi-spaces; V8 sizes it
   * from the machine's memory otherwise: 192 MiB on a 24 GiB host). A replay's objects live
   * for one fetch or for the batch state's whole run, so a small one promotes little more and
   * costs a third of the memory.
   */
  readonly replayThreadYoungMb: number;
  /**
   * How far V8 lets the old generation grow past what a full collection left alive, in percent
   * (set once per process, for every thread); 0 leaves V8's own factor, up to 4x on a machine
   * of 2 GiB or more, which lets a replay's heap reach four times its live data before it is
   * collected.
   */
  readonly heapGrowingPercent: number;
  readonly rebuild: {
    /** How often the rebuild engine reads the registry for operators' changes, in ms. */
    readonly registryPollMs: number;
    /** After a refused automatic cutover, the next try, in ms. */
    readonly autoCutoverRetryMs: number;
    /** How long a switch waits for the version to reach the head of the log, in ms. */
    readonly catchUpWaitMs: number;
    /** How long a verification waits for both versions to stand at the same positions, in ms. */
    readonly alignWaitMs: number;
    /** lock_timeout of a retirement: how long it waits for a flush or a reader of the tables, in ms. */
    readonly retireLockTimeoutMs: number;
    /** Window of the rate (and so the time left) of a build's progress, in ms. */
    readonly progressWindowMs: number;
  };
  readonly verification: {
    /** Ranges (buckets of the key's hash) a same-rows check sums rows in; the differing ones are compared row by row. */
    readonly keyRanges: number;
    /** Differing keys a same-rows check (or a shadow read) names. */
    readonly differingKeys: number;
  };
  readonly shadowReads: {
    /** How long a shadow read tries for a snapshot where both versions stand at the same positions, in ms. */
    readonly alignWaitMs: number;
    /** How long the candidate version found for a projection is kept before the registry is read again, in ms. */
    readonly candidateTtlMs: number;
    /**
     * Shadow reads of one process running at once, each holding a connection of the HTTP read pool
     * (5 by default) for its snapshot: 2 leave the clients' reads the rest. A sampled read past it
     * is skipped and counted `busy`.
     */
    readonly maxInFlight: number;
  };
  readonly cutover: {
    /** lock_timeout of each attempt to take a switch's locks, in ms. */
    readonly lockTimeoutMs: number;
    /** Bound on all the attempts of one switch, in ms. */
    readonly maxWaitMs: number;
  };
  readonly readYourWrites: {
    /** How long a read with a position token waits for the read model to pass it, unless the caller says, in ms. */
    readonly waitMs: number;
    /** The longest wait a caller may ask for (a read's, or `POST /commands?wait=`), in ms. */
    readonly maxWaitMs: number;
    /** Longest pause between two looks at the checkpoints (or at a command's outcome), in ms. */
    readonly pollMs: number;
  };
  readonly commands: {
    /** How long a decider waits for the command state to reach what it must have seen, in ms. */
    readonly catchUpTimeoutMs: number;
    /** How long the intake waits for Kafka to take a request's commands before it answers 503, in ms. */
    readonly sendTimeoutMs: number;
  };
  readonly staging: {
    /** Most places `staging scan` lists (it stops looking past them and says so). */
    readonly scanHitLimit: number;
  };
  readonly log: {
    /** Consumer session timeout: how soon a dead consumer's partitions move, in ms. */
    readonly sessionTimeoutMs: number;
    /** Backoff of a consumer's restarts after a crash kafkajs does not restart from. */
    readonly restartBackoff: Backoff;
    /** How long an admin or metadata request retries transient broker answers, in ms. */
    readonly requestTimeoutMs: number;
    /** Backoff between those retries. */
    readonly requestBackoff: Backoff;
    /**
     * Bytes a reader asks per fetch (the broker still answers at least one whole record batch).
     * kafkajs decodes a fetch in one synchronous run: during a 1M-event replay a 10 MiB fetch held
     * the event loop 130-180 ms (p99, max 310-330), 512 KiB 33-45 ms at about the same throughput
     * and 130-180 MiB less RSS; 128 KiB stalls less still but waits on the broker (-25% events/s).
     */
    readonly fetchMaxBytes: number;
  };
  readonly health: {
    /** How long a readiness probe may take before it counts as down, in ms. */
    readonly probeTimeoutMs: number;
  };
};

/**
 * The engine's defaults, in one place: every option of the engine's parts that a caller may leave
 * out falls back to the value here. The environment (configSchema) overrides some of them.
 */
export const engineDefaults = {
  leases: { versionTtlMs: 30_000, commandStateTtlMs: 10_000 },
  projector: {
    retry: { minMs: 200, maxMs: 10_000 },
    waitRetryMs: 5_000,
    parkedPollMs: 2_000,
    parkedRetryMs: 30_000,
    yieldEveryMs: 2,
    foregroundYieldMs: 0.5,
  },
  reactor: { retry: { minMs: 200, maxMs: 30_000 } },
  batchLimits: {
    maxRows: 50_000,
    keepShare: 0.75,
    maxEvents: 20_000,
    maxDelayMs: 100,
    flushWhenIdle: true,
    copyThreshold: 1_000,
  },
  maxEvictedKeys: 500_000,
  replayMaxDelayMs: 1_000,
  replayThreadNice: 10,
  replayThreadYoungMb: 48,
  heapGrowingPercent: 100,
  rebuild: {
    registryPollMs: 1_000,
    autoCutoverRetryMs: 30_000,
    catchUpWaitMs: 2_000,
    alignWaitMs: 2_000,
    retireLockTimeoutMs: 5_000,
    progressWindowMs: 10_000,
  },
  verification: { keyRanges: 1_024, differingKeys: 10 },
  shadowReads: { alignWaitMs: 500, candidateTtlMs: 1_000, maxInFlight: 2 },
  cutover: { lockTimeoutMs: 100, maxWaitMs: 5_000 },
  readYourWrites: { waitMs: 5_000, maxWaitMs: 30_000, pollMs: 20 },
  commands: { catchUpTimeoutMs: 60_000, sendTimeoutMs: 10_000 },
  staging: { scanHitLimit: 1_000 },
  log: {
    sessionTimeoutMs: 30_000,
    restartBackoff: { minMs: 500, maxMs: 30_000 },
    requestTimeoutMs: 30_000,
    requestBackoff: { minMs: 100, maxMs: 2_000 },
    fetchMaxBytes: 512 * 1024,
  },
  health: { probeTimeoutMs: 2_000 },
} as const satisfies EngineDefaults;
