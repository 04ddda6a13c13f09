import type pg from 'pg';
import type { ContractRegistry } from '../contracts/index.ts';
import {
  assertCompleteLog,
  ensureTopics,
  highWatermarks,
  offsetVectorToJson,
  partitionCount,
  type LogClient,
  type OffsetVector,
} from '../log/index.ts';
import { isProjectionistError } from '../errors/index.ts';
import type { Logger } from '../logger/index.ts';
import { activateVersion } from '../rebuild/index.ts';
import {
  activeVersion,
  insertRefresh,
  listProjections,
  markEnvironment,
  readRefreshSource,
} from '../registry/index.ts';
import {
  contractsDecoder,
  createEmitter,
  replayProjection,
  type EventDecoder,
  type Emitter,
  type ProjectorEvents,
} from '../projections/index.ts';
import { type ProjectionDefinition } from '../definitions/index.ts';
import { createStagingFilter } from './createStagingFilter.ts';
import { guardStagingTarget } from './guardStagingTarget.ts';
import type { StagingPolicy } from './StagingPolicy.ts';
import type { StagingSummary, TypeSummary } from './StagingSummary.ts';
import { stagingRefused } from './stagingRefused.ts';
import { writeStagingTopic, type StagingTopicResult } from './writeStagingTopic.ts';

export type StagingRefreshResult = {
  readonly projections: readonly {
    readonly name: string;
    readonly version: number;
    readonly tookMs: number;
    /**
     * `staging deployment`: a running staging deployment holds the version's lease and applies
     * the staging topic itself, so the refresh left it to it (topic mode only).
     */
    readonly appliedBy?: 'staging deployment';
  }[];
  /** The production offsets read up to. */
  readonly target: OffsetVector;
  /** What was written to the staging deployment's events topic (when it has one). */
  readonly topic?: StagingTopicResult;
  readonly summary: StagingSummary;
  readonly tookMs: number;
};

/**
 * One summary for the whole refresh: each projection's filter sees every event of the types it
 * reads once, so per type the largest count over the projections is the number of events.
 */
const mergeSummaries = (summaries: readonly StagingSummary[]): StagingSummary => {
  const types: Record<string, TypeSummary> = {};
  for (const s of summaries)
    for (const [type, t] of Object.entries(s.types)) {
      const seen = types[type];
      if (
        seen === undefined ||
        t.passed + Object.values(t.dropped).reduce((a, b) => a + (b ?? 0), 0) >
          seen.passed + Object.values(seen.dropped).reduce((a, b) => a + (b ?? 0), 0)
      )
        types[type] = t;
    }
  const values = Object.values(types);
  return {
    passed: values.reduce((a, t) => a + t.passed, 0),
    dropped: values.reduce((a, t) => a + Object.values(t.dropped).reduce((x, y) => x + (y ?? 0), 0), 0),
    types,
  };
};

/**
 * Builds every projection version active in production into the staging database from the
 * production events topic, through the fail-closed PII filter, then points the staging stable
 * views at them. Reads without committing any offset in production (readers use throwaway
 * groups and delete them; with a staging topic only its writer's own group commits, see
 * `writeStagingTopic`). Incremental: the staging side keeps its own checkpoints, so a second
 * run continues where the first stopped. Before it writes anything it refuses (and changes
 * nothing): a missing or short key (PRJ_STAGING_KEY_MISSING), a policy that does not fit the
 * contracts, an events topic that has lost records (PRJ_LOG_TRUNCATED: staging would be built
 * from part of the history), and a target that is the production database or another
 * deployment's (PRJ_STAGING_REFUSED, see `guardStagingTarget`). Log lines and the stored
 * summary hold counts, projection names and contract paths only.
 *
 * With `stagingLog` (the staging deployment's topics, PROJECTIONIST_STAGING_TOPIC_PREFIX) the
 * refresh first copies the filtered events to that deployment's events topic (exactly once and
 * resumable, see `writeStagingTopic`), then builds the staging database from that topic instead
 * of from production: the database holds only what the topic holds, and its checkpoints are
 * positions in it, so a staging deployment on the same database and prefix tails on from there.
 * A version whose lease a running staging deployment holds is left to that deployment. A
 * database built from one topic is refused as the target of a refresh from another
 * (PRJ_STAGING_REFUSED): each refresh records its source in its summary.
 */
export const refreshStaging = async (options: {
  production: pg.Pool;
  staging: pg.Pool;
  client: LogClient;
  registry: ContractRegistry;
  definitions: readonly ProjectionDefinition[];
  key: string | undefined;
  policy?: StagingPolicy;
  emitter?: Emitter<ProjectorEvents>;
  signal?: AbortSignal;
  logger?: Logger;
  /** The staging deployment's topics (a client for its prefix); omitted: no staging topic. */
  stagingLog?: LogClient;
  /** Replication factor of the staging topics when the refresh creates them. Default 1. */
  replicationFactor?: number;
  /** How far the copy to the staging topic has read production, after each slice. */
  onTopicProgress?: (copied: OffsetVector) => void;
  /**
   * Where the staging database's replays end, before they start: the production target, or
   * with a staging topic that topic's end (their `projector:batch` positions are in it).
   */
  onBuildTarget?: (until: OffsetVector) => void;
}): Promise<StagingRefreshResult> => {
  const started = performance.now();
  const { logger } = options;
  // Fails on a missing key or a bad policy before anything is read.
  createStagingFilter({
    registry: options.registry,
    key: options.key,
    ...(options.policy ? { policy: options.policy } : {}),
  });
  const { stagingLog } = options;
  if (stagingLog !== undefined && stagingLog.prefix === options.client.prefix)
    throw stagingRefused(
      `the staging topic prefix (PROJECTIONIST_STAGING_TOPIC_PREFIX) is the production prefix ${options.client.prefix}; give the staging deployment its own`,
    );
  await assertCompleteLog({ client: options.client, topic: options.client.topics.events });
  await guardStagingTarget({ production: options.production, staging: options.staging });
  // The database's checkpoints are positions in the topic it was built from: another one's
  // positions would apply the wrong events, or none.
  const source = (stagingLog ?? options.client).topics.events;
  const last = await readRefreshSource({ db: options.staging });
  const lastSource = last === null ? options.client.topics.events : last;
  if (lastSource !== undefined && lastSource !== source)
    throw stagingRefused(
      `the staging database was built from ${lastSource}, not ${source}: its checkpoints are positions in that topic. Keep PROJECTIONIST_STAGING_TOPIC_PREFIX as it was, or refresh into an empty database`,
    );
  await markEnvironment({ pool: options.staging, role: 'staging' });

  const active: ProjectionDefinition[] = [];
  for (const p of await listProjections({ pool: options.production })) {
    const version = await activeVersion({ pool: options.production, projection: p.name });
    const definition = options.definitions.find((d) => d.name === p.name && d.version === version);
    if (definition !== undefined) active.push(definition);
  }
  const target = await highWatermarks({ client: options.client, topic: options.client.topics.events });
  const upcast = contractsDecoder(options.registry);
  const emitter = options.emitter ?? createEmitter<ProjectorEvents>();
  if (stagingLog !== undefined)
    return refreshThroughTopic({ ...options, stagingLog, active, target, upcast, emitter, started });
  options.onBuildTarget?.(target);
  const summaries: StagingSummary[] = [];
  const done: { name: string; version: number; tookMs: number }[] = [];
  for (const definition of active) {
    const filter = createStagingFilter({
      registry: options.registry,
      key: options.key,
      ...(options.policy ? { policy: options.policy } : {}),
    });
    const decode: EventDecoder = (envelope) => {
      const verdict = filter.filter(envelope);
      if (verdict.status === 'drop') return { status: 'skip', reason: `staging filter: ${verdict.reason}` };
      const outcome = upcast(verdict.envelope);
      if (outcome.status === 'ok') return { ...outcome, envelope: verdict.envelope };
      // The upcaster's reasons name paths (and messages) found in the data: only the type here.
      return outcome.status === 'skip'
        ? {
            status: 'skip',
            reason: `staging upcast: ${verdict.envelope.type} v${verdict.envelope.version} refused`,
          }
        : outcome;
    };
    logger?.info({ projection: definition.name, version: definition.version }, 'staging build started');
    const result = await replayProjection({
      pool: options.staging,
      client: options.client,
      definition,
      decode,
      until: target,
      emitter,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (result.status === 'stopped') break;
    await activateVersion({
      pool: options.staging,
      projection: definition.name,
      version: definition.version,
      actor: 'staging refresh',
    });
    summaries.push(filter.summary());
    done.push({ name: definition.name, version: definition.version, tookMs: result.tookMs });
    logger?.info(
      { projection: definition.name, version: definition.version, tookMs: Math.round(result.tookMs) },
      'staging build done',
    );
  }
  const summary = mergeSummaries(summaries);
  await insertRefresh({
    db: options.staging,
    target: offsetVectorToJson(target),
    projections: done,
    summary: { ...summary, source: options.client.topics.events },
  });
  const tookMs = performance.now() - started;
  // The summary holds counts under contract types and paths only (see TypeSummary).
  logger?.info(
    { passed: summary.passed, dropped: summary.dropped, summary, tookMs: Math.round(tookMs) },
    'staging refresh done',
  );
  return { projections: done, target, summary, tookMs };
};

/**
 * The refresh with a staging topic: production -> filter -> staging topic (exactly once), then
 * the staging database built from the staging topic up to its end.
 */
const refreshThroughTopic = async (
  options: Parameters<typeof refreshStaging>[0] & {
    stagingLog: LogClient;
    active: readonly ProjectionDefinition[];
    target: OffsetVector;
    upcast: EventDecoder;
    emitter: Emitter<ProjectorEvents>;
    started: number;
  },
): Promise<StagingRefreshResult> => {
  const { stagingLog, client, logger, target, upcast, emitter } = options;
  await ensureTopics({
    client: stagingLog,
    eventsPartitions: await partitionCount({ client, topic: client.topics.events }),
    commandsPartitions: await partitionCount({ client, topic: client.topics.commands }).catch(
      () => target.size,
    ),
    replicationFactor: options.replicationFactor ?? 1,
  });
  const filter = createStagingFilter({
    registry: options.registry,
    key: options.key,
    ...(options.policy ? { policy: options.policy } : {}),
  });
  logger?.info({ topic: stagingLog.topics.events }, 'staging topic copy started');
  const topic = await writeStagingTopic({
    client,
    staging: stagingLog,
    filter,
    upcast,
    until: target,
    ...(options.onTopicProgress ? { onProgress: options.onTopicProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  logger?.info(
    { topic: topic.topic, read: topic.read, written: topic.written, refused: topic.refused },
    'staging topic copy done',
  );
  const done: { name: string; version: number; tookMs: number; appliedBy?: 'staging deployment' }[] = [];
  if (!topic.stopped) {
    const until = await highWatermarks({ client: stagingLog, topic: stagingLog.topics.events });
    options.onBuildTarget?.(until);
    for (const definition of options.active) {
      const { name, version } = definition;
      let result;
      try {
        result = await replayProjection({
          pool: options.staging,
          client: stagingLog,
          definition,
          decode: upcast,
          until,
          emitter,
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        if (!isProjectionistError(error, 'PRJ_LEASE_HELD')) throw error;
        logger?.info({ projection: name, version }, 'staging build left to the running staging deployment');
        done.push({ name, version, tookMs: 0, appliedBy: 'staging deployment' });
        continue;
      }
      if (result.status === 'stopped') break;
      await activateVersion({ pool: options.staging, projection: name, version, actor: 'staging refresh' });
      done.push({ name, version, tookMs: result.tookMs });
    }
  }
  const summary = filter.summary();
  await insertRefresh({
    db: options.staging,
    target: offsetVectorToJson(target),
    projections: done,
    summary: { ...summary, source: stagingLog.topics.events, topic },
  });
  const tookMs = performance.now() - options.started;
  logger?.info(
    { passed: summary.passed, dropped: summary.dropped, summary, tookMs: Math.round(tookMs) },
    'staging refresh done',
  );
  return { projections: done, target, summary, topic, tookMs };
};
