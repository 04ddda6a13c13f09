import type pg from 'pg';
import { isProjectionistError } from '../errors/index.ts';
import { assertCompleteLog, offsetVectorToJson, type LogClient } from '../log/index.ts';
import type { Logger } from '../logger/index.ts';
import type { Emitter, RunPlan } from '../projections/index.ts';
import { readCheckpoints, readVersionRow, writeRebuild, type Lease } from '../registry/index.ts';
import type { ProjectionDefinition } from '../definitions/index.ts';
import { createLatestWriter } from './createLatestWriter.ts';
import { createProgressMeter } from './createProgressMeter.ts';
import { fixTarget } from './fixTarget.ts';
import type { RebuildEvents } from './rebuildEvents.ts';

/** Where a version's run stands, as the rebuild engine decides by it (see RunnerPhase). */
export type BuildPhase = 'building' | 'replaying' | 'tailing';

/**
 * The rebuild's part of a version's run (runVersion's plan), asked under the lease each time the
 * run starts. A version that changed since the engine looked (gone, paused, failed, retired)
 * stops. A built one catches up and tails. One still building is a build: a truncated log is
 * refused (PRJ_LOG_TRUNCATED, which marks the version failed with the reason); the target is
 * fixed (fixTarget: emptied first for a build from scratch; a resumed build keeps the target
 * its first run stored, so it ends where that one would have); then the build's progress
 * (applied, end offsets, rate, ETA) is written to the registry at every batch, the phase
 * 'indexing' before the indexes, and built_at with the move to catching-up.
 */
export const planBuild = async (options: {
  pool: pg.Pool;
  client: LogClient;
  definition: ProjectionDefinition;
  lease: Lease;
  events: Emitter<RebuildEvents>;
  logger?: Logger;
  onPhase: (phase: BuildPhase) => void;
}): Promise<RunPlan> => {
  const { pool, client, definition, lease, events, logger } = options;
  const { name, version } = definition;
  const row = await readVersionRow({ db: pool, name, version });
  const status = row?.state.status;
  // The engine's next poll stops this runner.
  if (row === undefined || row.paused || status === 'failed' || status === 'retired') return { kind: 'stop' };
  if (status !== 'building') {
    options.onPhase('tailing');
    return { kind: 'catch-up' };
  }
  options.onPhase('building');
  await assertCompleteLog({ client, topic: client.topics.events }).catch((error: unknown) => {
    if (isProjectionistError(error, 'PRJ_LOG_TRUNCATED'))
      logger?.error({ err: error }, 'refusing to build from a truncated log');
    throw error;
  });
  const { target, resumed, fromScratch } = await fixTarget({ pool, client, lease, definition });
  // A request arriving from now on is a new one.
  options.onPhase('replaying');
  const meter = createProgressMeter({ target });
  const from = await readCheckpoints({ db: pool, name, version });
  meter.measure(from);
  const total = meter.total;
  logger?.info({ total: total.toString(), resumed }, resumed ? 'resuming build' : 'starting build');
  events.emit('rebuild:started', {
    name,
    version,
    holder: lease.holder,
    target,
    total,
    from,
    resumed,
    fromScratch,
  });
  const progress = createLatestWriter(
    (fields: Parameters<typeof writeRebuild>[0]['fields']) =>
      writeRebuild({ db: pool, name, version, fields }),
    (err: unknown) => logger?.warn({ err }, 'progress not written'),
  );
  return {
    kind: 'build',
    target,
    onBatch: ({ positions }) => {
      const { applied, rate, etaMs } = meter.measure(positions);
      progress.push({
        applied: applied.toString(),
        positions: offsetVectorToJson(positions),
        rate,
        eta_ms: etaMs,
      });
      events.emit('rebuild:batch', { name, version, applied, target: total, rate, etaMs, positions });
    },
    onReached: async () => {
      await progress.drain();
      await writeRebuild({ db: pool, name, version, fields: { phase: 'indexing' } });
    },
    markBuilt: (db) =>
      writeRebuild({
        db,
        name,
        version,
        fields: { phase: 'tailing', built_at: new Date(), applied: total.toString(), eta_ms: 0 },
      }),
    onBuilt: ({ tookMs, indexMs }) => {
      logger?.info({ total: total.toString(), tookMs, indexMs }, 'built; tailing');
      events.emit('rebuild:built', { name, version, total, tookMs, indexMs });
      options.onPhase('tailing');
    },
  };
};
