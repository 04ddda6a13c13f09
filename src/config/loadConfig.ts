import { ProjectionistError } from '../errors/index.ts';
import { configSchema, type Config } from './configSchema.ts';

const deepFreeze = <T>(value: T): T => {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
};

/**
 * Reads the environment once. Empty strings count as unset. A bad value throws
 * PRJ_CONFIG_INVALID with one line per variable: its name, what was wrong, what it got.
 */
export const loadConfig = (env: Readonly<Record<string, string | undefined>> = process.env): Config => {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const parsed = configSchema.safeParse(relevant);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '(environment)');
      const secret = variable.endsWith('_KEY') || variable.endsWith('_TOKEN');
      const got = secret ? '(hidden)' : JSON.stringify(relevant[variable]);
      return `${variable}: ${issue.message} (got ${got})`;
    });
    throw new ProjectionistError('PRJ_CONFIG_INVALID', `invalid configuration:\n  ${lines.join('\n  ')}`, {
      details: { variables: parsed.error.issues.map((i) => String(i.path[0])) },
    });
  }
  const c = parsed.data;
  if (c.PROJECTIONIST_STAGING_TOPIC_PREFIX === c.PROJECTIONIST_TOPIC_PREFIX)
    throw new ProjectionistError(
      'PRJ_CONFIG_INVALID',
      `invalid configuration:\n  PROJECTIONIST_STAGING_TOPIC_PREFIX: must differ from PROJECTIONIST_TOPIC_PREFIX, or the staging refresh would write anonymized events into this deployment's own topics (got ${JSON.stringify(c.PROJECTIONIST_STAGING_TOPIC_PREFIX)})`,
      { details: { variables: ['PROJECTIONIST_STAGING_TOPIC_PREFIX'] } },
    );
  return deepFreeze({
    kafka: { brokers: c.PROJECTIONIST_KAFKA_BROKERS, clientId: c.PROJECTIONIST_KAFKA_CLIENT_ID },
    topics: {
      prefix: c.PROJECTIONIST_TOPIC_PREFIX,
      eventsPartitions: c.PROJECTIONIST_EVENTS_PARTITIONS,
      commandsPartitions: c.PROJECTIONIST_COMMANDS_PARTITIONS,
      replicationFactor: c.PROJECTIONIST_REPLICATION_FACTOR,
    },
    database: {
      url: c.PROJECTIONIST_DATABASE_URL,
      poolSize: c.PROJECTIONIST_DATABASE_POOL_SIZE,
      readPoolSize: c.PROJECTIONIST_DATABASE_READ_POOL_SIZE,
      connectTimeoutMs: c.PROJECTIONIST_DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: c.PROJECTIONIST_DATABASE_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: c.PROJECTIONIST_DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    staging: {
      databaseUrl: c.PROJECTIONIST_STAGING_DATABASE_URL,
      key: c.PROJECTIONIST_STAGING_KEY,
      topicPrefix: c.PROJECTIONIST_STAGING_TOPIC_PREFIX,
    },
    http: {
      host: c.PROJECTIONIST_HTTP_HOST,
      port: c.PROJECTIONIST_HTTP_PORT,
      bodyLimit: c.PROJECTIONIST_HTTP_BODY_LIMIT,
      adminToken: c.PROJECTIONIST_ADMIN_TOKEN,
    },
    logLevel: c.PROJECTIONIST_LOG_LEVEL,
    autoRebuild: c.PROJECTIONIST_AUTO_REBUILD,
    replayThread: {
      enabled: c.PROJECTIONIST_REPLAY_THREAD,
      heapMb: c.PROJECTIONIST_REPLAY_THREAD_HEAP_MB,
      youngMb: c.PROJECTIONIST_REPLAY_THREAD_YOUNG_MB,
    },
    heapGrowingPercent: c.PROJECTIONIST_HEAP_GROWING_PERCENT,
    sharedTail: c.PROJECTIONIST_SHARED_TAIL,
    workerSessionTimeoutMs: c.PROJECTIONIST_WORKER_SESSION_TIMEOUT_MS,
    leaseTtlMs: c.PROJECTIONIST_LEASE_TTL_MS,
    shutdownTimeoutMs: c.PROJECTIONIST_SHUTDOWN_TIMEOUT_MS,
    environment: c.PROJECTIONIST_ENVIRONMENT,
    defaultCutoverPolicy: c.PROJECTIONIST_CUTOVER_POLICY,
    cutoverPolicies: new Map(
      (c.PROJECTIONIST_CUTOVER_POLICIES?.split(',') ?? []).map((pair) => {
        const [name = '', policy] = pair.split('=');
        return [name, policy === 'auto' ? 'auto' : 'manual'] as const;
      }),
    ),
    shadowReads: c.PROJECTIONIST_SHADOW_READS ?? new Map<string, number>(),
    retireAfterMs:
      c.PROJECTIONIST_RETIRE_AFTER_HOURS === undefined
        ? undefined
        : c.PROJECTIONIST_RETIRE_AFTER_HOURS * 3_600_000,
  });
};
