import type { LogRecord, OffsetVector } from '../log/index.ts';

/**
 * PostgreSQL refused what a run of batches wrote or read (a data error, see isDataError). The
 * events whose rows were not committed are those of the log between `from` and `until` (per
 * partition, `until` exclusive; a partition missing from `until` holds none): one or more of
 * them caused it. A range, not the records themselves: keeping every record of a flush until
 * it commits would pin the fetch responses they are views of (512 KiB each), so the caller reads
 * the range again (projectSegment) or picks it from the records it holds (replayRecords' callers).
 * Control flow between runBatches and the code that isolates those events (isolateRefused): it
 * never leaves the projections part, so it is not a ProjectionistError.
 */
export class RefusedBatch extends Error {
  readonly from: OffsetVector;
  readonly until: OffsetVector;

  constructor(range: { from: OffsetVector; until: OffsetVector }, cause: unknown) {
    super(`PostgreSQL refused a batch: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RefusedBatch';
    this.from = range.from;
    this.until = range.until;
  }

  /** Whether the record is one of those not committed. */
  covers(record: LogRecord): boolean {
    const until = this.until.get(record.partition);
    return (
      until !== undefined && record.offset < until && record.offset >= (this.from.get(record.partition) ?? 0n)
    );
  }
}
