import type pg from 'pg';
import type { LogClient, OffsetVector } from '../log/index.ts';
import { registerVersion, requireRegistry, type Lease } from '../registry/index.ts';
import type { ProjectionDefinition } from '../definitions/index.ts';
import { createEmitter, type Emitter } from './createEmitter.ts';
import type { EventDecoder } from './eventDecoder.ts';
import type { ProjectorEvents } from './projectorEvents.ts';
import type { ReplayThreadOptions } from './replayThread.ts';
import type { BatchLimits } from './runBatches.ts';
import { runVersion } from './runVersion.ts';

export type ReplayResult =
  | { readonly status: 'reached'; readonly positions: OffsetVector; readonly tookMs: number }
  | { readonly status: 'stopped'; readonly positions: OffsetVector; readonly tookMs: number };

/**
 * Builds a projection version from the events topic up to `until` (a target vector, exclusive)
 * and stops there: runVersion with a stop at the target. It resumes where a crashed replay
 * committed, never starts over; the version ends indexed and catching-up (`tookMs` is the
 * replay's, up to the target). Only projections replay: a reactor is refused. Registers the
 * version; the registry must be migrated first. Takes the version's lease for the replay
 * (PRJ_LEASE_HELD when another process has it) unless given one. Faults are thrown, not
 * retried; an event it cannot take is parked (`projector:parked`) and its stream waits behind it.
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
  /** Replay in a worker thread of its own (see replayInThread): the definition must come from loadProjections. */
  thread?: ReplayThreadOptions;
  signal?: AbortSignal;
}): Promise<ReplayResult> => {
  const { pool, definition, until } = options;
  const emitter = options.emitter ?? createEmitter<ProjectorEvents>();
  await requireRegistry({ db: pool });
  if ((definition as { kind?: unknown }).kind === 'projection') {
    const { drift } = await registerVersion({ pool, definition });
    if (drift !== undefined) emitter.emit('projector:drift', drift);
  }
  const result = await runVersion({
    ...options,
    emitter,
    standBy: false,
    retry: 'never',
    stopAtTarget: true,
    plan: () => Promise.resolve({ kind: 'build', target: until }),
  });
  if (result.status === 'failed') throw result.error;
  return result;
};
