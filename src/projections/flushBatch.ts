import type pg from 'pg';
import type { OffsetVector } from '../log/index.ts';
import {
  checkpointsStatement,
  checkRenewed,
  renewLeaseStatement,
  type Lease,
  parkEvents,
  releaseParked,
  writeProgress,
} from '../registry/index.ts';
import { inTightTransaction } from '../db/index.ts';
import type { BatchChanges } from './runBatches.ts';
import { writeChanges, type WriteCounts } from './writeChanges.ts';

export type FlushStats = WriteCounts & {
  /** Raw statements run from `store.sql`. */
  readonly statements: number;
  readonly tookMs: number;
};

/**
 * Writes a batch in one transaction: the lease check (fencing: a holder that was taken over
 * fails here and writes nothing), every table's coalesced rows, the queued raw SQL, the
 * events parked and released, the checkpoints of the events the rows cover and the version's
 * progress. Rows, parked events and checkpoints commit together or not at all, so a crash at any
 * point resumes without losing or doubling an event.
 */
export const flushBatch = async (options: {
  pool: pg.Pool;
  lease: Lease;
  changes: BatchChanges;
  positions: OffsetVector;
  progress?: Readonly<Record<string, unknown>>;
  /** Row count from which a table's rows go through COPY instead of one unnest() statement. */
  copyThreshold: number;
}): Promise<FlushStats> => {
  const { pool, lease, changes, positions, progress, copyThreshold } = options;
  const started = performance.now();
  const checkpoints = checkpointsStatement({ name: lease.name, version: lease.version, positions, progress });
  // Three round trips for a batch of one table: begin with the lease check, the rows, the
  // checkpoints with commit. A live tail flushes many small batches a second.
  const counts = await inTightTransaction(pool, {
    opening: renewLeaseStatement(lease),
    checkOpening: (result) => checkRenewed(result, lease),
    closing: checkpoints,
    work: async (client) => {
      const total: WriteCounts = { inserted: 0, upserted: 0, deleted: 0 };
      for (const [i, tableChanges] of changes.tables.entries()) {
        const written = await writeChanges({
          client,
          changes: tableChanges,
          copyThreshold,
          stageName: `pj_stage_${i}`,
        });
        total.inserted += written.inserted;
        total.upserted += written.upserted;
        total.deleted += written.deleted;
      }
      for (const statement of changes.sql) await client.query(statement.text, [...statement.params]);
      const version = { db: client, name: lease.name, version: lease.version };
      await parkEvents({ ...version, parked: changes.parked ?? [] });
      await releaseParked({ ...version, released: changes.released ?? [] });
      if (checkpoints === undefined && progress !== undefined) await writeProgress({ ...version, progress });
      return total;
    },
  });
  return { ...counts, statements: changes.sql.length, tookMs: performance.now() - started };
};
