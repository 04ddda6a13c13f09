import { z } from 'zod';
import { engineDefaults } from './engineDefaults.ts';

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const brokerList = z
  .string()
  .trim()
  .transform((s) => s.split(',').map((b) => b.trim()))
  .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port')).min(1));

const postgresUrl = z
  .string()
  .trim()
  .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// connection string');

const topicPrefix = z
  .string()
  .trim()
  .regex(/^[a-zA-Z0-9._-]{1,200}$/, 'expected letters, digits, ".", "_" or "-" (Kafka topic characters)');

/** `name=10%,other=0.5%`: a share of 0 (excluded) to 100 percent per projection, as a map to 0..1. */
const shadowShares = z
  .string()
  .trim()
  .regex(
    /^[a-z][a-z0-9_-]*=\d{1,3}(\.\d+)?%(,[a-z][a-z0-9_-]*=\d{1,3}(\.\d+)?%)*$/,
    'expected name=N%, comma-separated (N from 0 to 100)',
  )
  .transform((s) => s.split(',').map((pair) => pair.split('=') as [string, string]))
  .refine((pairs) => pairs.every(([, share]) => Number.parseFloat(share) <= 100), 'a share is over 100%')
  .refine(
    (pairs) => new Set(pairs.map(([name]) => name)).size === pairs.length,
    'a projection is named twice',
  )
  .transform(
    (pairs): ReadonlyMap<string, number> =>
      new Map(pairs.map(([name, share]) => [name, Number.parseFloat(share) / 100])),
  );

const boolean = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * Every variable Projectionist reads. Each line: meaning, default, unit.
 * The schema's keys are the variable names, so an error names the variable.
 */
export const configSchema = z.object({
  /** Kafka bootstrap brokers, comma-separated host:port. Default 127.0.0.1:9092. */
  PROJECTIONIST_KAFKA_BROKERS: brokerList.default(['127.0.0.1:9092']),
  /** Kafka client id prefix. Default "projectionist". */
  PROJECTIONIST_KAFKA_CLIENT_ID: z.string().trim().min(1).default('projectionist'),
  /** Prefix of every topic: <prefix>.events, <prefix>.commands, <prefix>.dead-letters. Default "projectionist". */
  PROJECTIONIST_TOPIC_PREFIX: topicPrefix.default('projectionist'),
  /** Partitions of the events topic when Projectionist creates it. Default 6. */
  PROJECTIONIST_EVENTS_PARTITIONS: integer(1, 10_000).default(6),
  /** Partitions of the commands topic when Projectionist creates it. Default 6. */
  PROJECTIONIST_COMMANDS_PARTITIONS: integer(1, 10_000).default(6),
  /** Replication factor of created topics. Default 1 (one local broker); use 3 in production. */
  PROJECTIONIST_REPLICATION_FACTOR: integer(1, 32).default(1),
  /** PostgreSQL of the read models and registry. Default postgres://postgres@127.0.0.1:5432/projectionist. */
  PROJECTIONIST_DATABASE_URL: postgresUrl.default('postgres://postgres@127.0.0.1:5432/projectionist'),
  /** PostgreSQL pool size per process. Default 10 connections. */
  PROJECTIONIST_DATABASE_POOL_SIZE: integer(1, 1000).default(10),
  /** PostgreSQL pool of the HTTP read routes (projection queries, metrics), apart from the engine's. Default 5 connections. */
  PROJECTIONIST_DATABASE_READ_POOL_SIZE: integer(1, 1000).default(5),
  /** How long opening a PostgreSQL connection may take before it fails. Default 5000 ms. */
  PROJECTIONIST_DATABASE_CONNECT_TIMEOUT_MS: integer(100, 600_000).default(5_000),
  /** statement_timeout of the HTTP read pool only (rebuild flushes and index builds run long and are not cut); 0 = none. Default 30000 ms. */
  PROJECTIONIST_DATABASE_STATEMENT_TIMEOUT_MS: integer(0, 86_400_000).default(30_000),
  /** idle_in_transaction_session_timeout of every pool: the server ends a session a stuck process left in a transaction (its locks go); 0 = none. Default 60000 ms. */
  PROJECTIONIST_DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: integer(0, 86_400_000).default(60_000),
  /** PostgreSQL staging target for `staging refresh`. No default: staging is off without it. */
  PROJECTIONIST_STAGING_DATABASE_URL: postgresUrl.optional(),
  /** Secret key of the staging pseudonymizer (HMAC). No default; at least 32 characters. Never logged. */
  PROJECTIONIST_STAGING_KEY: z.string().min(32, 'expected at least 32 characters').optional(),
  /** Topic prefix of the staging deployment: `staging refresh` writes the anonymized events to <prefix>.events. No default: no staging topic. Must differ from PROJECTIONIST_TOPIC_PREFIX. */
  PROJECTIONIST_STAGING_TOPIC_PREFIX: topicPrefix.optional(),
  /** HTTP listen address. Default 127.0.0.1. */
  PROJECTIONIST_HTTP_HOST: z.string().trim().min(1).default('127.0.0.1'),
  /** HTTP listen port. Default 3000. */
  PROJECTIONIST_HTTP_PORT: integer(0, 65_535).default(3000),
  /** Largest accepted HTTP body. Default 1048576 bytes (1 MiB). */
  PROJECTIONIST_HTTP_BODY_LIMIT: integer(1024, 100 * 1024 * 1024).default(1024 * 1024),
  /** Bearer token of the admin routes. No default: admin routes answer 401 without it. */
  PROJECTIONIST_ADMIN_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
  /** pino level: fatal, error, warn, info, debug, trace, silent. Default info. */
  PROJECTIONIST_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  /** What this deployment's database is: development, staging or production. A production database is never a staging target. Default development. */
  PROJECTIONIST_ENVIRONMENT: z.enum(['development', 'staging', 'production']).default('development'),
  /** Cutover when a new version is caught up and verified: auto, or manual (the operator's word). Default manual. */
  PROJECTIONIST_CUTOVER_POLICY: z.enum(['auto', 'manual']).default('manual'),
  /** Per-projection overrides, e.g. "order-totals=auto,customer-directory=manual". Default none. */
  PROJECTIONIST_CUTOVER_POLICIES: z
    .string()
    .trim()
    .regex(
      /^([a-z][a-z0-9_-]*=(auto|manual))(,[a-z][a-z0-9_-]*=(auto|manual))*$/,
      'expected name=auto|manual, comma-separated',
    )
    .optional(),
  /** Shadow reads: the share of each projection's reads read again from its caught-up candidate version and compared, e.g. "customer-directory=10%,order-totals=0.5%". Default none. */
  PROJECTIONIST_SHADOW_READS: shadowShares.optional(),
  /** Retire a standby version after this long, in hours. Default none: only on the operator's word. */
  PROJECTIONIST_RETIRE_AFTER_HOURS: integer(1, 100_000).optional(),
  /** Consumer session timeout of the command workers: how soon a dead worker's partitions move. Default 30000 ms (broker minimum 6000). */
  PROJECTIONIST_WORKER_SESSION_TIMEOUT_MS: integer(1_000, 3_600_000).default(
    engineDefaults.log.sessionTimeoutMs,
  ),
  /** Time to live of this process's leases (projection versions, the command state): how soon another instance takes over from a dead one. Default: the engine's (30000 ms for projection versions, 10000 ms for the command state). */
  PROJECTIONIST_LEASE_TTL_MS: integer(1_000, 3_600_000).optional(),
  /** SIGTERM: how long the drain (readiness 503, workers finish their batch, connections close) may take before the process exits 1. Default 15000 ms. */
  PROJECTIONIST_SHUTDOWN_TIMEOUT_MS: integer(100, 3_600_000).default(15_000),
  /** Build a deployed projection version that has no tables yet, automatically. Default true. */
  PROJECTIONIST_AUTO_REBUILD: boolean.default(true),
  /** Run each build's replay in a worker thread of its own, off the thread that serves HTTP and the live projections. Default true. */
  PROJECTIONIST_REPLAY_THREAD: boolean.default(true),
  /** The heap of a replay thread's old generation, in MiB. Default: V8's, sized from the machine's (or the container's) memory. */
  PROJECTIONIST_REPLAY_THREAD_HEAP_MB: integer(64, 65_536).optional(),
  /** The young generation of a replay thread's heap, in MiB. Default 48. */
  PROJECTIONIST_REPLAY_THREAD_YOUNG_MB: integer(8, 4_096).default(engineDefaults.replayThreadYoungMb),
  /** How far the heap's old generation grows past its live data before V8 collects it, in percent; 0: V8's own (up to 300). Default 100. */
  PROJECTIONIST_HEAP_GROWING_PERCENT: integer(0, 300).default(engineDefaults.heapGrowingPercent),
  /** Live projections read the events topic through one shared reader per process, each event fetched and decoded once. Default true; false gives every live version a reader of its own. */
  PROJECTIONIST_SHARED_TAIL: boolean.default(true),
});

export type Config = Readonly<{
  kafka: Readonly<{ brokers: readonly string[]; clientId: string }>;
  topics: Readonly<{
    prefix: string;
    eventsPartitions: number;
    commandsPartitions: number;
    replicationFactor: number;
  }>;
  database: Readonly<{
    url: string;
    poolSize: number;
    readPoolSize: number;
    connectTimeoutMs: number;
    statementTimeoutMs: number;
    idleInTransactionTimeoutMs: number;
  }>;
  staging: Readonly<{
    databaseUrl: string | undefined;
    key: string | undefined;
    /** The staging deployment's topic prefix; undefined: the refresh writes no staging topic. */
    topicPrefix: string | undefined;
  }>;
  http: Readonly<{ host: string; port: number; bodyLimit: number; adminToken: string | undefined }>;
  logLevel: z.infer<typeof configSchema>['PROJECTIONIST_LOG_LEVEL'];
  autoRebuild: boolean;
  /** Builds' replays in a worker thread (`enabled`), with an old generation of `heapMb` (undefined: V8's) and a young one of `youngMb`. */
  replayThread: Readonly<{ enabled: boolean; heapMb: number | undefined; youngMb: number }>;
  /** V8's --heap-growing-percent for the process; 0: V8's own. */
  heapGrowingPercent: number;
  /** Live tails of the events topic through one shared reader (LogFeed). */
  sharedTail: boolean;
  workerSessionTimeoutMs: number;
  leaseTtlMs: number | undefined;
  shutdownTimeoutMs: number;
  environment: 'development' | 'staging' | 'production';
  defaultCutoverPolicy: 'auto' | 'manual';
  cutoverPolicies: ReadonlyMap<string, 'auto' | 'manual'>;
  /** Share (0 to 1) of each projection's reads that shadow reads compare with its candidate version. */
  shadowReads: ReadonlyMap<string, number>;
  retireAfterMs: number | undefined;
}>;
