import type pg from 'pg';
import type { OffsetVector } from '../log/index.ts';
import {
  checkpointsStatement,
  checkRenewed,
  inLeasedRoundTrip,
  renewLeaseStatement,
  type Lease,
  parkEvents,
  releaseParked,
  writeProgress,
} from '../registry/index.ts';
import { inTightTransaction, type Statement } from '../db/index.ts';
import type { BatchChanges } from './runBatches.ts';
import { changeStatements, writeChanges, type WriteCounts } from './writeChanges.ts';

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
  const fast = rowStatements(changes, copyThreshold);
  if (fast !== undefined && (checkpoints !== undefined || progress === undefined)) {
    // A live tail's flush: begin, the lease check, the rows, the checkpoints and commit in one
    // simple query, one round trip. The lease check runs first and holds its row; when the lease
    // was taken over it fails (renew_lease), so nothing after it runs and nothing commits.
    const results = await inLeasedRoundTrip(pool, lease, [
      ...fast.statements,
      ...(checkpoints === undefined ? [] : [checkpoints]),
    ]);
    for (const at of fast.deletes) fast.counts.deleted += results[at]?.rowCount ?? 0;
    return { ...fast.counts, statements: 0, tookMs: performance.now() - started };
  }
  // With COPY, raw SQL or parked events: begin with the lease check, then the rows and the rest,
  // then the checkpoints with commit.
  const counts = await inTightTransaction(pool, {
    opening: [renewLeaseStatement(lease)],
    checkOpening: ([renewed]) => checkRenewed(renewed, lease),
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

/**
 * The batch's rows as statements, when it has nothing that needs more than that (no table at
 * the COPY threshold, no raw SQL, nothing parked or released): with which of them are deletes
 * (their row counts are what was deleted) and the counts known up front.
 */
const rowStatements = (
  changes: BatchChanges,
  copyThreshold: number,
): { statements: Statement[]; deletes: number[]; counts: WriteCounts } | undefined => {
  if (changes.sql.length > 0 || (changes.parked ?? []).length > 0 || (changes.released ?? []).length > 0)
    return undefined;
  const statements: Statement[] = [];
  const deletes: number[] = [];
  const counts: WriteCounts = { inserted: 0, upserted: 0, deleted: 0 };
  for (const table of changes.tables) {
    const own = changeStatements(table, copyThreshold);
    if (own === undefined) return undefined;
    if (table.deletes.length > 0) deletes.push(statements.length);
    statements.push(...own);
    counts.inserted += table.inserts.length;
    counts.upserted += table.upserts.length;
  }
  return { statements, deletes, counts };
};
