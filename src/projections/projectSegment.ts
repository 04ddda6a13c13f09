import type pg from 'pg';
import {
  offsetDistance,
  offsetVectorToJson,
  readLog,
  type LogClient,
  type OffsetVector,
} from '../log/index.ts';
import type { Lease } from './acquireLease.ts';
import { readCheckpoints } from './checkpoints.ts';
import { createBatchState } from './createBatchState.ts';
import { emptyTables } from './createTables.ts';
import type { Emitter } from './createEmitter.ts';
import type { EventDecoder } from './eventDecoder.ts';
import { flushBatch } from './flushBatch.ts';
import { loadRows } from './loadRows.ts';
import type { ProjectionDefinition } from './projectionTypes.ts';
import type { ProjectorEvents } from './projectorEvents.ts';
import { runBatches, type BatchLimits, type RunOutcome } from './runBatches.ts';

/**
 * One stretch of work under a held lease: from the checkpoints, read the events topic up to
 * `until` (or forever) and apply and flush it. The row cache lives only as long as the
 * segment: after any fault the next segment starts over from what was committed.
 */
export const projectSegment = async (options: {
  pool: pg.Pool;
  client: LogClient;
  definition: ProjectionDefinition;
  decode: EventDecoder;
  lease: Lease;
  limits: BatchLimits;
  emitter: Emitter<ProjectorEvents>;
  until: OffsetVector | 'forever';
  signal?: AbortSignal;
  onOpen?: (opened: { from: OffsetVector; emptyTables: readonly string[] }) => void;
}): Promise<RunOutcome & { positions: OffsetVector }> => {
  const { pool, client, definition, decode, lease, limits, emitter, until } = options;
  const from = await readCheckpoints({ db: pool, name: definition.name, version: definition.version });
  const empty = await emptyTables({ db: pool, definition });
  options.onOpen?.({ from, emptyTables: [...empty] });
  const positions = new Map(from);
  const reader = new AbortController();
  const signals = options.signal === undefined ? [reader.signal] : [reader.signal, options.signal];
  const batches = readLog({
    client,
    topic: client.topics.events,
    from,
    until,
    signal: AbortSignal.any(signals),
    prefetch: 4,
  });
  const outcome = await runBatches({
    definition,
    decode,
    batches,
    state: createBatchState({ model: definition.model, emptyTables: empty }),
    positions,
    limits,
    emitter,
    ...(until === 'forever' ? {} : { endPositions: until }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    abortReader: () => reader.abort(),
    sink: {
      load: (table, keys) => loadRows({ db: pool, table, keys }),
      flush: (changes, at) =>
        flushBatch({
          pool,
          lease,
          changes,
          positions: at,
          copyThreshold: limits.copyThreshold,
          progress: {
            positions: offsetVectorToJson(at),
            ...(until === 'forever'
              ? {}
              : { target: offsetVectorToJson(until), remaining: offsetDistance(at, until).toString() }),
            at: new Date().toISOString(),
          },
        }),
    },
  });
  return { ...outcome, positions };
};
