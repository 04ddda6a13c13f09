import type { OffsetVector, Position } from '../log/index.ts';
import type { ParkedEvent } from '../registry/index.ts';
import type { Row, TableModel } from '../definitions/index.ts';
import type { QueuedSql, TableChanges } from './BatchState.ts';
import type { FlushStats } from './flushBatch.ts';

/** Everything one flush writes besides the checkpoints. */
export type BatchChanges = {
  readonly tables: readonly TableChanges[];
  readonly sql: readonly QueuedSql[];
  /** Events parked (or parked again) since the previous flush. */
  readonly parked?: readonly ParkedEvent[];
  /** Parked events a retry applied: their parked rows go. */
  readonly released?: readonly Position[];
};

/** Where the rows come from and go to: the tables (tableSink), or a fake in unit tests. */
export type BatchSink = {
  load(table: TableModel, keys: readonly Row[]): Promise<Row[]>;
  flush(changes: BatchChanges, positions: OffsetVector): Promise<FlushStats>;
};
