import type pg from 'pg';
import { isProjectionistError } from '../errors/index.ts';
import { assertCompleteLog, offsetVectorToJson, type LogClient } from '../log/index.ts';
import type { Logger } from '../logger/index.ts';
import {
  createEmitter,
  createIndexes,
  replayProjection,
  type BatchLimits,
  type Emitter,
  type EventDecoder,
  type ProjectorEvents,
} from '../projections/index.ts';
import {
  readCheckpoints,
  setVersionState,
  type Lease,
  inFencedTransaction,
  writeRebuild,
} from '../registry/index.ts';
import { type ProjectionDefinition } from '../definitions/index.ts';
import { createLatestWriter } from './createLatestWriter.ts';
import { createProgressMeter } from './createProgressMeter.ts';
import { fixTarget } from './fixTarget.ts';
import type { RebuildEvents } from './rebuildEvents.ts';

export type BuildOutcome = 'built' | 'stopped' | 'failed';

/**
 * The bulk phase of a version's build, under its lease: refuses a truncated log (the version is
 * marked failed with the reason, nothing else changes), empties the version first when a build
 * from scratch was asked, fixes the target vector (the high watermarks now, or the one a crashed
 * build stored, so a resumed build ends where the first would have), replays into bare tables
 * from the checkpoints up to it, writing progress at every batch, then builds the secondary
 * indexes, analyzes the tables and marks the version catching-up. 'stopped' when `signal`
 * aborts first (pause, cancel, stop: what was applied is committed).
 */
export const buildVersion = async (options: {
  pool: pg.Pool;
  client: LogClient;
  definition: ProjectionDefinition;
  decode: EventDecoder;
  lease: Lease;
  events: Emitter<RebuildEvents>;
  signal: AbortSignal;
  limits?: Partial<BatchLimits>;
  waitRetryMs?: number;
  logger?: Logger;
  /** Called once the target is stored: a request arriving from now on is a new one. */
  onTargetFixed?: () => void;
}): Promise<BuildOutcome> => {
  const { pool, client, definition, lease, events, logger } = options;
  const { name, version } = definition;
  try {
    await assertCompleteLog({ client, topic: client.topics.events });
  } catch (error) {
    if (!isProjectionistError(error, 'PRJ_LOG_TRUNCATED')) throw error;
    await setVersionState({ db: pool, name, version, state: { status: 'failed', reason: error.message } });
    logger?.error({ err: error }, 'refusing to build from a truncated log');
    events.emit('rebuild:failed', { name, version, error });
    return 'failed';
  }
  const { target, resumed, fromScratch } = await fixTarget({ pool, client, lease, definition });
  const meter = createProgressMeter({ target });
  options.onTargetFixed?.();
  const from = await readCheckpoints({ db: pool, name, version });
  meter.measure(from);
  logger?.info({ total: meter.total.toString(), resumed }, resumed ? 'resuming build' : 'starting build');
  events.emit('rebuild:started', {
    name,
    version,
    holder: lease.holder,
    target,
    total: meter.total,
    from,
    resumed,
    fromScratch,
  });

  const progress = createLatestWriter(
    (fields: Parameters<typeof writeRebuild>[0]['fields']) =>
      writeRebuild({ db: pool, name, version, fields }),
    (err: unknown) => logger?.warn({ err }, 'progress not written'),
  );
  const replayEvents = createEmitter<ProjectorEvents>();
  replayEvents.on('projector:batch', (batch) => {
    const { applied, total, rate, etaMs } = meter.measure(batch.positions);
    progress.push({
      applied: applied.toString(),
      positions: offsetVectorToJson(batch.positions),
      rate,
      eta_ms: etaMs,
    });
    events.emit('rebuild:batch', {
      name,
      version,
      applied,
      target: total,
      rate,
      etaMs,
      positions: batch.positions,
    });
  });
  replayEvents.on('projector:waiting', ({ position, reason }) =>
    events.emit('rebuild:waiting', { name, version, position, reason }),
  );
  // An event newer than this code waits parked, its stream behind it; the build goes on.
  replayEvents.on('projector:parked', ({ events: parked }) => {
    for (const { position, reason, kind, behind } of parked)
      if (kind === 'waiting' && behind === null)
        events.emit('rebuild:waiting', { name, version, position, reason });
  });
  const started = performance.now();
  try {
    const result = await replayProjection({
      pool,
      client,
      definition,
      decode: options.decode,
      until: target,
      lease,
      emitter: replayEvents,
      signal: options.signal,
      ...(options.limits === undefined ? {} : { limits: options.limits }),
      ...(options.waitRetryMs === undefined ? {} : { waitRetryMs: options.waitRetryMs }),
    });
    if (result.status === 'stopped') return 'stopped';
  } finally {
    await progress.drain();
  }

  await writeRebuild({ db: pool, name, version, fields: { phase: 'indexing' } });
  const indexing = performance.now();
  await createIndexes({ db: pool, definition });
  // Fresh statistics: the planner has seen these tables empty, if at all.
  for (const table of definition.model.tables.values()) await pool.query(`analyze ${table.qualified}`);
  const indexMs = Math.round(performance.now() - indexing);
  await inFencedTransaction(pool, lease, async (db) => {
    await setVersionState({ db, name, version, state: { status: 'catching-up' }, onlyFrom: 'building' });
    await writeRebuild({
      db,
      name,
      version,
      fields: { phase: 'tailing', built_at: new Date(), applied: meter.total.toString(), eta_ms: 0 },
    });
  });
  const tookMs = Math.round(performance.now() - started);
  logger?.info({ total: meter.total.toString(), tookMs, indexMs }, 'built; tailing');
  events.emit('rebuild:built', { name, version, total: meter.total, tookMs, indexMs });
  return 'built';
};
