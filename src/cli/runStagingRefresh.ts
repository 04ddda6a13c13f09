import { contractRegistry } from '../../events/index.ts';
import { createPool } from '../db/index.ts';
import { projections } from '../../projections/index.ts';
import { ProjectionistError } from '../errors/index.ts';
import { highWatermarks, offsetDistance } from '../log/index.ts';
import { scoped } from '../logger/index.ts';
import { createEmitter, type ProjectorEvents } from '../projections/index.ts';
import { refreshStaging } from '../staging/index.ts';
import type { Running } from '../main.ts';
import { exitCodes } from './exitCodes.ts';
import { formatTable } from './formatTable.ts';
import { renderProgress } from './renderProgress.ts';

/** `staging refresh`: rebuild the staging database from the production log through the PII filter. */
export const runStagingRefresh = async (options: {
  running: Running;
  json: boolean;
  print: (line: string) => void;
}): Promise<number> => {
  const { running, print, json } = options;
  const url = running.config.staging.databaseUrl;
  if (url === undefined)
    throw new ProjectionistError(
      'PRJ_CONFIG_INVALID',
      'PROJECTIONIST_STAGING_DATABASE_URL is not set: there is no staging target',
    );
  const staging = createPool({
    url,
    max: 4,
    connectTimeoutMs: running.config.database.connectTimeoutMs,
    idleInTransactionTimeoutMs: running.config.database.idleInTransactionTimeoutMs,
    logger: running.logger,
    name: 'staging',
  });
  const topicPrefix = running.config.staging.topicPrefix;
  const stagingLog = topicPrefix === undefined ? undefined : running.log.forPrefix(topicPrefix);
  const emitter = createEmitter<ProjectorEvents>();
  const target = await highWatermarks({ client: running.log, topic: running.log.topics.events });
  const total = offsetDistance(new Map(), target);
  // The replays' positions are in the staging topic when there is one: their own total.
  let buildTotal = total;
  let lastPrint = 0;
  emitter.on('projector:batch', (batch) => {
    if (json || Date.now() - lastPrint < 500) return;
    lastPrint = Date.now();
    const done = offsetDistance(new Map(), batch.positions);
    process.stderr.write(
      `\r${batch.name} v${batch.version} ${renderProgress(done, buildTotal)} ${done}/${buildTotal} events`,
    );
  });
  const onTopicProgress = (copied: ReadonlyMap<number, bigint>) => {
    if (json || Date.now() - lastPrint < 500) return;
    lastPrint = Date.now();
    const done = offsetDistance(new Map(), copied);
    process.stderr.write(`\rstaging topic ${renderProgress(done, total)} ${done}/${total} offsets`);
  };
  const onBuildTarget = (until: ReadonlyMap<number, bigint>) => {
    buildTotal = offsetDistance(new Map(), until);
    lastPrint = 0;
    if (!json) process.stderr.write('\n');
  };
  try {
    const result = await refreshStaging({
      production: running.pool,
      staging,
      client: running.log,
      registry: contractRegistry,
      definitions: projections,
      key: running.config.staging.key,
      emitter,
      logger: scoped(running.logger, 'staging'),
      ...(stagingLog === undefined
        ? {}
        : {
            stagingLog,
            onTopicProgress,
            onBuildTarget,
            replicationFactor: running.config.topics.replicationFactor,
          }),
    });
    if (!json) process.stderr.write('\n');
    if (json) {
      print(
        JSON.stringify({
          ...result,
          target: Object.fromEntries([...result.target].map(([p, o]) => [p, o.toString()])),
        }),
      );
      return exitCodes.ok;
    }
    print(
      `staging refreshed in ${(result.tookMs / 1000).toFixed(1)} s: ${result.projections.map((p) => `${p.name} v${p.version}${p.appliedBy === undefined ? '' : ` (left to the ${p.appliedBy})`}`).join(', ')}`,
    );
    if (result.topic !== undefined)
      print(
        `staging topic ${result.topic.topic}: ${result.topic.written} events written, ${result.topic.read} production offsets read${result.topic.refused > 0 ? `, ${result.topic.refused} refused by the upcasters` : ''}`,
      );
    // The summary names contract types and paths only ('(unknown type)', 'v2 data.address.*',
    // 'metadata.*'), never a key found in the data, so it is safe to print as it is.
    const counts = (entries: Readonly<Record<string, number | undefined>>, none: string) =>
      Object.entries(entries)
        .map(([name, n]) => `${name}: ${n ?? 0}`)
        .join(', ') || none;
    print(
      formatTable(
        ['type', 'passed', 'dropped', 'stripped fields', 'stripped metadata'],
        Object.entries(result.summary.types).map(([type, t]) => [
          type,
          String(t.passed),
          counts(t.dropped, '0'),
          counts(t.strippedFields, '-'),
          counts(t.strippedMetadata, '-'),
        ]),
      ),
    );
    return exitCodes.ok;
  } finally {
    await stagingLog?.close();
    await staging.end();
  }
};
