import { ProjectionistError } from '../errors/index.ts';
import type { LogBatch, LogRecord } from '../log/index.ts';
import { positionKey } from './Parking.ts';
import { RefusedBatch } from './RefusedBatch.ts';

/**
 * Records as log batches in their order, one batch per run of the same partition, each ending
 * just past its last record: replaying them moves a partition's position no further than they go.
 */
export const recordBatches = (records: readonly LogRecord[]): LogBatch[] => {
  const batches: { partition: number; records: LogRecord[] }[] = [];
  for (const record of records) {
    const last = batches.at(-1);
    if (last?.partition === record.partition) last.records.push(record);
    else batches.push({ partition: record.partition, records: [record] });
  }
  return batches.map((b) => {
    const next = (b.records.at(-1) as LogRecord).offset + 1n;
    return { partition: b.partition, records: b.records, next, highWatermark: next };
  });
};

const reasonOf = (cause: unknown): string => {
  const error = cause as { code?: unknown; message?: unknown } | null;
  const message = typeof error?.message === 'string' ? error.message : String(cause);
  return typeof error?.code === 'string'
    ? `PostgreSQL refused its rows (SQLSTATE ${error.code}): ${message}`
    : `PostgreSQL refused its rows: ${message}`;
};

/**
 * Finds the events PostgreSQL refused among `records` (none of them committed; `cause` is the
 * refusal) and parks them, committing every other one. `run` applies and flushes records in one
 * flush (committed when it resolves; RefusedBatch when refused, nothing committed), parking those
 * named in `refused` instead of applying them. The records are halved until a half commits or a
 * single refused event is left: O(p log n) flushes for p bad events among n. Halves commit in log
 * order, and a stream whose event was parked queues its later events behind it as always.
 */
export const isolateRefused = async (options: {
  records: readonly LogRecord[];
  cause: unknown;
  run: (records: readonly LogRecord[], refused?: ReadonlyMap<string, string>) => Promise<void>;
}): Promise<void> => {
  const { run } = options;
  const attempt = async (
    records: readonly LogRecord[],
    refused?: ReadonlyMap<string, string>,
  ): Promise<RefusedBatch | undefined> => {
    try {
      await run(records, refused);
      return undefined;
    } catch (error) {
      if (error instanceof RefusedBatch) return error;
      throw error;
    }
  };
  const isolate = async (records: readonly LogRecord[], cause: unknown): Promise<void> => {
    const [only] = records;
    if (only === undefined)
      throw new ProjectionistError(
        'PRJ_HANDLER_FAILED',
        `PostgreSQL refused a flush that held no event: ${reasonOf(cause)}`,
        { cause },
      );
    if (records.length === 1) {
      const refused = new Map([[positionKey(only), reasonOf(cause)]]);
      const again = await attempt(records, refused);
      if (again !== undefined)
        throw new ProjectionistError(
          'PRJ_HANDLER_FAILED',
          `parking the event at partition ${only.partition} offset ${only.offset} was refused too: ${reasonOf(again.cause)}`,
          { cause: again.cause },
        );
      return;
    }
    const middle = Math.ceil(records.length / 2);
    for (const half of [records.slice(0, middle), records.slice(middle)]) {
      const refusal = await attempt(half);
      if (refusal === undefined) continue;
      const named = half.filter((record) => refusal.covers(record));
      await isolate(named.length > 0 ? named : half, refusal.cause);
    }
  };
  await isolate(options.records, options.cause);
};
