import type pg from 'pg';
import type { ContractRegistry } from '../contracts/index.ts';
import {
  assertCompleteLog,
  highWatermarks,
  offsetVectorToJson,
  type LogClient,
  type OffsetVector,
} from '../log/index.ts';
import type { Logger } from '../logger/index.ts';
import { activateVersion } from '../rebuild/index.ts';
import { activeVersion, insertRefresh, listProjections, markEnvironment } from '../registry/index.ts';
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

export type StagingRefreshResult = {
  readonly projections: readonly {
    readonly name: string;
    readonly version: number;
    readonly tookMs: number;
  }[];
  readonly target: OffsetVector;
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
 * groups and delete them). Incremental: the staging side keeps its own checkpoints, so a second
 * run continues where the first stopped. Before it writes anything it refuses (and changes
 * nothing): a missing or short key (PRJ_STAGING_KEY_MISSING), a policy that does not fit the
 * contracts, an events topic that has lost records (PRJ_LOG_TRUNCATED: staging would be built
 * from part of the history), and a target that is the production database or another
 * deployment's (PRJ_STAGING_REFUSED, see `guardStagingTarget`). Log lines and the stored
 * summary hold counts, projection names and contract paths only.
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
}): Promise<StagingRefreshResult> => {
  const started = performance.now();
  const { logger } = options;
  // Fails on a missing key or a bad policy before anything is read.
  createStagingFilter({
    registry: options.registry,
    key: options.key,
    ...(options.policy ? { policy: options.policy } : {}),
  });
  await assertCompleteLog({ client: options.client, topic: options.client.topics.events });
  await guardStagingTarget({ production: options.production, staging: options.staging });
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
    summary,
  });
  const tookMs = performance.now() - started;
  // The summary holds counts under contract types and paths only (see TypeSummary).
  logger?.info(
    { passed: summary.passed, dropped: summary.dropped, summary, tookMs: Math.round(tookMs) },
    'staging refresh done',
  );
  return { projections: done, target, summary, tookMs };
};
