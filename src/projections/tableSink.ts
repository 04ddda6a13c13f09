import type pg from 'pg';
import { offsetDistance, offsetVectorToJson, type OffsetVector } from '../log/index.ts';
import type { Lease } from '../registry/index.ts';
import { flushBatch } from './flushBatch.ts';
import { loadRows } from './loadRows.ts';
import type { BatchSink } from './BatchSink.ts';

/**
 * The sink over a version's tables under its lease. `until` (a replay's target) goes into the
 * progress written with each flush; `retrying` flushes move no checkpoint and write no progress
 * (a retry of parked events is no stretch of the log: the checkpoints are past them already).
 */
export const tableSink = (options: {
  pool: pg.Pool;
  lease: Lease;
  copyThreshold: number;
  until?: OffsetVector | 'forever';
  retrying?: boolean;
}): BatchSink => {
  const { pool, lease, copyThreshold, until } = options;
  return {
    load: (table, keys) => loadRows({ db: pool, table, keys }),
    flush: (changes, at) =>
      options.retrying === true
        ? flushBatch({ pool, lease, changes, positions: new Map(), copyThreshold })
        : flushBatch({
            pool,
            lease,
            changes,
            positions: at,
            copyThreshold,
            progress: {
              positions: offsetVectorToJson(at),
              ...(until === undefined || until === 'forever'
                ? {}
                : { target: offsetVectorToJson(until), remaining: offsetDistance(at, until).toString() }),
              at: new Date().toISOString(),
            },
          }),
  };
};
