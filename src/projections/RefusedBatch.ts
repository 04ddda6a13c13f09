import type { LogRecord } from '../log/index.ts';

/**
 * PostgreSQL refused what a run of batches wrote or read (a data error, see isDataError):
 * `records` are the records of events whose rows were not committed, in the order they were
 * read; one or more of them caused it. Control flow between runBatches and the code that isolates
 * those events (isolateRefused): it never leaves the projections part, so it is not a
 * ProjectionistError.
 */
export class RefusedBatch extends Error {
  readonly records: readonly LogRecord[];

  constructor(records: readonly LogRecord[], cause: unknown) {
    super(`PostgreSQL refused a batch: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RefusedBatch';
    this.records = records;
  }
}
