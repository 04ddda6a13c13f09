import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { engineDefaults } from '../config/index.ts';
import { ProjectionistError, isProjectionistError } from '../errors/index.ts';
import type { LogClient, OffsetVector } from '../log/index.ts';
import {
  acquireLease,
  keepLeaseAlive,
  releaseLease,
  type Lease,
  defaultHolder,
  migrateRegistry,
  registerVersion,
  setVersionState,
} from '../registry/index.ts';
import { createEmitter, type Emitter } from './createEmitter.ts';
import { createTables } from './createTables.ts';
import type { EventDecoder } from './eventDecoder.ts';
import type { ProjectionDefinition } from '../definitions/index.ts';
import type { ProjectorEvents } from './projectorEvents.ts';
import { projectSegment } from './projectSegment.ts';
import { retryParked } from './retryParked.ts';
import { defaultBatchLimits, type BatchLimits } from './runBatches.ts';

export type ReplayResult =
  | { readonly status: 'reached'; readonly positions: OffsetVector; readonly tookMs: number }
  | { readonly status: 'stopped'; readonly positions: OffsetVector; readonly tookMs: number };

/**
 * Replays the events topic into a projection version from its checkpoints up to `until` (a
 * target vector, exclusive) with the live projector's apply/flush loop, then stops. It resumes
 * where a crashed replay committed, never starts over. Creates the version's tables bare when
 * missing; secondary indexes are the caller's (`createIndexes`) once it is done.
 * Only projections replay: a reactor is refused, and no reactor ever sees a replayed event.
 * Uses `lease` when the caller holds one, else takes the version's lease for the replay
 * (PRJ_LEASE_HELD when another process has it). An event it cannot take (newer than this code,
 * a handler that throws, rows PostgreSQL refuses) is parked (`projector:parked`) and its stream
 * waits behind it; events parked before are retried first, with this code.
 */
export const replayProjection = async (options: {
  pool: pg.Pool;
  client: LogClient;
  definition: ProjectionDefinition;
  decode: EventDecoder;
  until: OffsetVector;
  lease?: Lease;
  holder?: string;
  leaseTtlMs?: number;
  limits?: Partial<BatchLimits>;
  emitter?: Emitter<ProjectorEvents>;
  waitRetryMs?: number;
  signal?: AbortSignal;
}): Promise<ReplayResult> => {
  const { pool, definition } = options;
  if ((definition as { kind?: unknown }).kind !== 'projection')
    throw new ProjectionistError(
      'PRJ_VALIDATION',
      'only projections replay; reactors run on live events only',
    );
  const { name, version } = definition;
  const emitter = options.emitter ?? createEmitter<ProjectorEvents>();
  const started = performance.now();
  await migrateRegistry({ pool });
  const { drift } = await registerVersion({ pool, definition });
  if (drift !== undefined) emitter.emit('projector:drift', drift);
  const owned = options.lease === undefined;
  const lease =
    options.lease ??
    (await acquireLease({
      db: pool,
      name,
      version,
      holder: options.holder ?? defaultHolder(),
      ttlMs: options.leaseTtlMs ?? engineDefaults.leases.versionTtlMs,
    }));
  if (lease === undefined)
    throw new ProjectionistError('PRJ_LEASE_HELD', `another process holds the lease of ${name} v${version}`);
  const leaseLost = new AbortController();
  const stopRenewing = owned
    ? keepLeaseAlive({ db: pool, lease, onLost: () => leaseLost.abort() })
    : () => {};
  const signal = AbortSignal.any(
    options.signal === undefined ? [leaseLost.signal] : [leaseLost.signal, options.signal],
  );
  try {
    await createTables({ db: pool, definition });
    const limits = { ...defaultBatchLimits, maxDelayMs: engineDefaults.replayMaxDelayMs, ...options.limits };
    await retryParked({
      pool,
      definition,
      decode: options.decode,
      lease,
      copyThreshold: limits.copyThreshold,
      emitter,
      scope: 'all',
    });
    for (;;) {
      const outcome = await projectSegment({
        pool,
        client: options.client,
        definition,
        decode: options.decode,
        lease,
        limits,
        emitter,
        until: options.until,
        signal,
        onOpen: ({ from, emptyTables }) =>
          emitter.emit('projector:started', {
            name,
            version,
            holder: lease.holder,
            token: lease.token,
            from,
            emptyTables,
          }),
      });
      const tookMs = performance.now() - started;
      if (leaseLost.signal.aborted)
        throw new ProjectionistError(
          'PRJ_LEASE_LOST',
          `the lease of ${name} v${version} was taken over mid-replay`,
        );
      if (outcome.status === 'ended') {
        emitter.emit('projector:caught-up', { name, version, positions: outcome.positions });
        return { status: 'reached', positions: outcome.positions, tookMs };
      }
      if (outcome.status === 'stopped') return { status: 'stopped', positions: outcome.positions, tookMs };
      const retryAfterMs = options.waitRetryMs ?? engineDefaults.projector.waitRetryMs;
      emitter.emit('projector:waiting', {
        name,
        version,
        position: outcome.position,
        reason: outcome.reason,
        retryAfterMs,
      });
      await sleep(retryAfterMs, undefined, { signal }).catch(() => undefined);
    }
  } catch (error) {
    if (isProjectionistError(error, 'PRJ_HANDLER_FAILED'))
      await setVersionState({ db: pool, name, version, state: { status: 'failed', reason: error.message } });
    throw error;
  } finally {
    stopRenewing();
    if (owned) await releaseLease(pool, lease).catch(() => undefined);
  }
};
