import v8 from 'node:v8';
import type pg from 'pg';
import { contractRegistry } from '../events/index.ts';
import { projections } from '../projections/index.ts';
import { reactors as deployedReactors } from '../reactors/index.ts';
import { buildApp, type App, type StagingRefresh } from './api/index.ts';
import {
  catalogFromContracts,
  createCommandStore,
  startCommandSide,
  type CommandCatalog,
  type CommandEvents,
  type CommandStore,
} from './commands/index.ts';
import { loadConfig, type Config } from './config/index.ts';
import { createPool } from './db/index.ts';
import { createHealth, failureWindow, type Health } from './health/index.ts';
import { Appender, LogClient, ensureTopics, findTruncation } from './log/index.ts';
import { createLogger, scoped, type Logger } from './logger/index.ts';
import { createMetrics, type Metrics } from './metrics/index.ts';
import { contractsDecoder, createEmitter, type ReplayThreadOptions } from './projections/index.ts';
import { markEnvironment, migrateRegistry, requireRegistry } from './registry/index.ts';
import { RebuildEngine, type RebuildEngineOptions } from './rebuild/index.ts';
import { ReactorRunner, type ReactorDefinition } from './reactors/index.ts';
import { ShadowReads } from './shadow/index.ts';
import { refreshStagingDatabase } from './staging/index.ts';

export type Running = {
  readonly config: Config;
  readonly logger: Logger;
  readonly log: LogClient;
  readonly pool: pg.Pool;
  readonly catalog: CommandCatalog;
  /** The command side's store (outcomes, stream states) for this deployment's prefix. */
  readonly store: CommandStore;
  /** The HTTP app; listening only when `listen` was asked for. */
  readonly app: App | undefined;
  /**
   * What /readyz answers from: components report into it (`health.report('command-worker',
   * { status: 'down', reason })`), PostgreSQL and Kafka are probed at each check.
   */
  readonly health: Health;
  /** This process's metrics registry (what GET /metrics answers), fed by the engine's and the command side's events. */
  readonly metrics: Metrics;
  /** Shadow reads of the query API, when PROJECTIONIST_SHADOW_READS names a projection and HTTP runs. */
  readonly shadow: ShadowReads | undefined;
  /** Marks the process draining (readiness 503), then stops in reverse order of start; a worker drains its batch in hand first. */
  stop(): Promise<void>;
};

export type StartOptions = {
  env?: Readonly<Record<string, string | undefined>>;
  logger?: Logger;
  /** Run the command workers and their state recorder. Default true. */
  workers?: boolean;
  /** Run the projections (build, tail, verify, cut over: the RebuildEngine) and the reactors. Default false; `serve` runs it. */
  engine?: boolean;
  /** Build the HTTP app (true) and also listen on the configured port ('listen'). Default 'listen'. */
  http?: boolean | 'listen';
  /** The engine's batch limits and registry poll (tests shorten them); default the engine's. */
  engineOptions?: Pick<RebuildEngineOptions, 'limits' | 'pollMs'>;
  /** The admin live feed's timing, in ms (tests shorten them); default 250 / 2,000 / 15,000. */
  adminFeed?: { throttleMs?: number; pollMs?: number; heartbeatMs?: number };
  /**
   * Change nothing (the CLI's read-only verbs): create no topic, migrate nothing, and refuse a
   * database without the registry (PRJ_REGISTRY_MISSING). Use with `workers: false, http: false`.
   */
  readOnly?: boolean;
  /** The health registry to report into; default a new one. */
  health?: Health;
  /** The reactors the engine runs; default every `reactors/<name>.ts`. */
  reactors?: readonly ReactorDefinition[];
};

/**
 * How this deployment's builds replay in a worker thread: the thread opens a pool and a Kafka
 * client as this process does, and decodes with the same contracts (events/index.ts).
 */
export const replayThreadOf = (config: Config): ReplayThreadOptions => ({
  contracts: { module: new URL('../events/index.ts', import.meta.url).href, export: 'contractRegistry' },
  database: {
    url: config.database.url,
    // A replay flushes on one connection while it loads rows on another: a few are enough.
    max: Math.min(4, config.database.poolSize),
    connectTimeoutMs: config.database.connectTimeoutMs,
    idleInTransactionTimeoutMs: config.database.idleInTransactionTimeoutMs,
  },
  kafka: {
    brokers: config.kafka.brokers,
    clientId: `${config.kafka.clientId}-replay`,
    prefix: config.topics.prefix,
  },
  logLevel: config.logLevel,
  resourceLimits: {
    maxYoungGenerationSizeMb: config.replayThread.youngMb,
    ...(config.replayThread.heapMb === undefined
      ? {}
      : { maxOldGenerationSizeMb: config.replayThread.heapMb }),
  },
});

/**
 * Bounds how far the process's heaps grow past their live data before V8 collects them
 * (`--heap-growing-percent`, read by V8 at each collection, for every thread): on a large
 * machine V8 lets a replay's heap reach four times what it holds alive (bench/RESULTS.md,
 * issue 11 step 5).
 */
export const limitHeapGrowth = (config: Config): void => {
  if (config.heapGrowingPercent > 0)
    v8.setFlagsFromString(`--heap-growing-percent=${config.heapGrowingPercent}`);
};

/**
 * The composition root: the one place that wires config, logger, PostgreSQL, Kafka, the
 * command side and the HTTP server together. Throws PRJ_CONFIG_INVALID before anything is
 * opened when the environment is bad.
 */
export const startProjectionist = async (options: StartOptions = {}): Promise<Running> => {
  const config = loadConfig(options.env);
  limitHeapGrowth(config);
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const main = scoped(logger, 'main');
  const health = options.health ?? createHealth({ logger: scoped(logger, 'main') });
  const metrics = createMetrics();
  const commandEvents = createEmitter<CommandEvents>();
  metrics.observeCommands(commandEvents);
  const stops: (() => Promise<void>)[] = [];
  // Workers and the engine drain first, while HTTP still answers (/readyz 503, intake to the log).
  const background: (() => Promise<void>)[] = [];
  const stop = async () => {
    health.drain();
    for (const s of [...background.reverse(), ...stops.reverse()])
      await s().catch((err: unknown) => main.error({ err }, 'stop step failed'));
    background.length = 0;
    stops.length = 0;
  };
  try {
    // The engine's pool has no statement timeout: bulk flushes and index builds of a rebuild run
    // as long as the data needs. Sessions left idle in a transaction are ended by the server.
    const db = config.database;
    const pool = createPool({
      url: db.url,
      max: db.poolSize,
      connectTimeoutMs: db.connectTimeoutMs,
      idleInTransactionTimeoutMs: db.idleInTransactionTimeoutMs,
      logger,
    });
    stops.push(() => pool.end());
    health.probe('postgres', () => pool.query('select 1'));
    const log = new LogClient({
      brokers: config.kafka.brokers,
      clientId: config.kafka.clientId,
      prefix: config.topics.prefix,
      logger,
      sharedTail: config.sharedTail,
    });
    stops.push(() => log.close());
    health.probe('kafka', () => log.describeCluster());
    const readOnly = options.readOnly === true;
    if (!readOnly) {
      await ensureTopics({
        client: log,
        eventsPartitions: config.topics.eventsPartitions,
        commandsPartitions: config.topics.commandsPartitions,
        replicationFactor: config.topics.replicationFactor,
      });
      const truncated = await findTruncation({ client: log, topic: log.topics.events });
      if (truncated.length > 0)
        main.warn(
          { truncated: truncated.map((t) => ({ ...t, earliest: t.earliest.toString() })) },
          'events topic has lost records; rebuilds will be refused',
        );
    }

    const catalog = catalogFromContracts(contractRegistry);
    // The one migration of this start-up: the parts below ask for the registry (markEnvironment's
    // own, in the transaction of its mark, then finds nothing left to apply).
    const store = createCommandStore({ pool, prefix: config.topics.prefix, catalog });
    if (readOnly) await requireRegistry({ db: pool });
    else {
      await migrateRegistry({ pool });
      if (config.environment !== 'development') await markEnvironment({ pool, role: config.environment });
      await store.migrate();
    }
    if (options.workers ?? true) {
      const commandSide = await startCommandSide({
        pool,
        log,
        store,
        catalog,
        logger: scoped(logger, 'commands'),
        sessionTimeoutMs: config.workerSessionTimeoutMs,
        ...(config.leaseTtlMs === undefined ? {} : { leaseTtlMs: config.leaseTtlMs }),
        health,
        events: commandEvents,
      });
      metrics.observeProjector(commandSide.projectorEvents);
      background.push(() => commandSide.stop());
    }
    let engineEvents: RebuildEngine['events'] | undefined;
    if (options.engine === true) {
      const engine = new RebuildEngine({
        ...options.engineOptions,
        pool,
        client: log,
        definitions: projections,
        decode: contractsDecoder(contractRegistry),
        logger,
        autoRebuild: config.autoRebuild,
        cutoverPolicy: (name) => config.cutoverPolicies.get(name) ?? config.defaultCutoverPolicy,
        retireAfterMs: config.retireAfterMs,
        ...(config.leaseTtlMs === undefined ? {} : { leaseTtlMs: config.leaseTtlMs }),
        ...(config.replayThread.enabled ? { thread: replayThreadOf(config) } : {}),
      });
      // The engine reports faults, not recovery: down from an error until a few polls pass without one.
      metrics.observeEngine(engine.events);
      const engineFaults = failureWindow();
      health.probe('rebuild-engine', engineFaults.probe);
      engine.events.on('engine:error', ({ error }) => engineFaults.fail(reasonOf(error), 3_000));
      engine.events.on('rebuild:error', ({ name, version, error, retryInMs }) =>
        engineFaults.fail(`${name} v${version}: ${reasonOf(error)}`, retryInMs + 3_000),
      );
      engineEvents = engine.events;
      await engine.start();
      background.push(() => engine.stop());
      for (const reactor of options.reactors ?? deployedReactors) {
        const runner = new ReactorRunner({
          pool,
          client: log,
          reactor,
          decode: contractsDecoder(contractRegistry),
          logger,
          ...(config.leaseTtlMs === undefined ? {} : { leaseTtlMs: config.leaseTtlMs }),
        });
        runner.events.on('reactor:error', ({ error, retryInMs }) =>
          engineFaults.fail(`reactor ${reactor.name}: ${reasonOf(error)}`, retryInMs + 3_000),
        );
        await runner.start();
        background.push(() => runner.stop());
      }
    }
    let app: App | undefined;
    let shadow: ShadowReads | undefined;
    const http = options.http ?? 'listen';
    if (http !== false) {
      // Reads answer clients: a statement that runs past the timeout is cut, not queued behind.
      const readPool = createPool({
        url: db.url,
        max: db.readPoolSize,
        connectTimeoutMs: db.connectTimeoutMs,
        statementTimeoutMs: db.statementTimeoutMs,
        idleInTransactionTimeoutMs: db.idleInTransactionTimeoutMs,
        logger,
        name: 'read',
      });
      stops.push(() => readPool.end());
      if (config.shadowReads.size > 0) {
        const reads = new ShadowReads({
          pool: readPool,
          definitions: projections,
          shares: config.shadowReads,
          logger: scoped(logger, 'api'),
        });
        metrics.observeShadow(reads.events);
        stops.push(() => reads.close());
        shadow = reads;
      }
      const appender = await new Appender(log).connect();
      stops.push(() => appender.close());
      app = await buildApp({
        logger,
        bodyLimit: config.http.bodyLimit,
        commands: { client: log, appender, store, catalog, events: commandEvents },
        projections: { client: log, pool: readPool, definitions: projections, shadow },
        admin: {
          client: log,
          pool,
          definitions: projections,
          token: config.http.adminToken,
          events: engineEvents,
          catalog,
          appender,
          logger: scoped(logger, 'api'),
          stagingRefresh: stagingRefresh(config, { pool, log, logger }),
          ...(options.adminFeed === undefined ? {} : { feed: options.adminFeed }),
        },
        metrics,
        readiness: async () => {
          const { ready, draining, components } = await health.check();
          const checks: Record<string, string> = {};
          for (const [name, c] of Object.entries(components))
            checks[name] = c.status === 'up' ? 'ok' : c.reason;
          if (draining) checks.process = 'draining';
          return { ready, checks };
        },
      });
      const built = app;
      stops.push(() => built.close());
      if (http === 'listen') {
        await app.listen({ host: config.http.host, port: config.http.port });
        main.info({ host: config.http.host, port: config.http.port }, 'http listening');
      }
    }
    main.info({ brokers: config.kafka.brokers, prefix: config.topics.prefix }, 'projectionist started');
    return { config, logger, log, pool, catalog, store, app, health, metrics, shadow, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};

/** The admin API's staging refresh, wired to this deployment's staging target; none without one. */
const stagingRefresh = (
  config: Config,
  parts: { pool: pg.Pool; log: LogClient; logger: Logger },
): StagingRefresh | undefined => {
  const url = config.staging.databaseUrl;
  if (url === undefined) return undefined;
  return ({ emitter, signal }) =>
    refreshStagingDatabase({
      url,
      topicPrefix: config.staging.topicPrefix,
      replicationFactor: config.topics.replicationFactor,
      connectTimeoutMs: config.database.connectTimeoutMs,
      idleInTransactionTimeoutMs: config.database.idleInTransactionTimeoutMs,
      logger: scoped(parts.logger, 'staging'),
      production: parts.pool,
      client: parts.log,
      registry: contractRegistry,
      definitions: projections,
      key: config.staging.key,
      emitter,
      signal,
    });
};

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
