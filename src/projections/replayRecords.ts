import type { LogRecord } from '../log/index.ts';
import { createBatchState } from './createBatchState.ts';
import type { Emitter } from './createEmitter.ts';
import type { EventDecoder } from './eventDecoder.ts';
import { recordBatches } from './isolateRefused.ts';
import type { ProjectionDefinition } from '../definitions/index.ts';
import type { ProjectorEvents } from './projectorEvents.ts';
import type { BatchSink } from './BatchSink.ts';
import type { Parking } from './Parking.ts';
import { runBatches } from './runBatches.ts';

async function* each<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}

/** Long enough never to fire while records held in memory are applied; below setTimeout's 2^31 ms. */
const never = 1_000_000_000;

/**
 * Applies records already read (a refused flush's, or parked events being retried) and commits
 * them in one flush: with a fresh row cache (what was in memory before cannot be trusted) and no
 * bound, so that either all of them commit or none does. `positions` (the committed ones) moves
 * past them only when they committed. Throws RefusedBatch when PostgreSQL refuses them.
 */
export const replayRecords = async (options: {
  definition: ProjectionDefinition;
  decode: EventDecoder;
  records: readonly LogRecord[];
  positions: Map<number, bigint>;
  sink: BatchSink;
  copyThreshold: number;
  emitter: Emitter<ProjectorEvents>;
  parking: Parking;
}): Promise<void> => {
  const { definition, positions } = options;
  const at = new Map(positions);
  await runBatches({
    definition,
    decode: options.decode,
    batches: each(recordBatches(options.records)),
    state: createBatchState({ model: definition.model, emptyTables: new Set() }),
    positions: at,
    sink: options.sink,
    limits: {
      maxRows: Infinity,
      keepShare: 0,
      maxEvents: Infinity,
      maxDelayMs: never,
      flushWhenIdle: false,
      copyThreshold: options.copyThreshold,
    },
    emitter: options.emitter,
    parking: options.parking,
  });
  for (const [partition, offset] of at) positions.set(partition, offset);
};
