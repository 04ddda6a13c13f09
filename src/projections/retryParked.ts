import type pg from 'pg';
import type { LogRecord, Position } from '../log/index.ts';
import { type Lease, readParkedRecords, type RetryScope } from '../registry/index.ts';
import type { Emitter } from './createEmitter.ts';
import type { EventDecoder } from './eventDecoder.ts';
import { isolateRefused } from './isolateRefused.ts';
import type { ProjectionDefinition } from '../definitions/index.ts';
import type { ProjectorEvents } from './projectorEvents.ts';
import { RefusedBatch } from './RefusedBatch.ts';
import { replayRecords } from './replayRecords.ts';
import { tableSink } from './tableSink.ts';

/** Parked events retried per flush. */
const pageSize = 2_000;

/**
 * Retries the parked events of a version's streams in `scope`, under its lease, with this
 * process's decoder and handlers: stream by stream in log order, each event applied is released
 * (its parked row deleted with its rows, in one transaction) and the stream's next one follows;
 * one that still cannot be taken is parked again (one more attempt, its reason brought up to
 * date) and the rest of its stream stays queued behind it. Checkpoints do not move: they are
 * past every parked event already. Answers how many were released.
 */
export const retryParked = async (options: {
  pool: pg.Pool;
  definition: ProjectionDefinition;
  decode: EventDecoder;
  lease: Lease;
  copyThreshold: number;
  emitter: Emitter<ProjectorEvents>;
  scope: RetryScope;
}): Promise<number> => {
  const { pool, definition, decode, lease, copyThreshold, emitter, scope } = options;
  const { name, version } = definition;
  const sink = tableSink({ pool, lease, copyThreshold, retrying: true });
  // Every stream of the pass starts unblocked: its first parked event is the first retried.
  const parking = {
    policy: definition.onPoison ?? 'park',
    blocked: new Map<string, string>(),
    retrying: true,
  };
  let released = 0;
  const count = ({ positions }: { positions: readonly Position[] }) => {
    released += positions.length;
  };
  const stopCounting = emitter.on('projector:released', count);
  try {
    let after: Position | undefined;
    for (;;) {
      const records = await readParkedRecords({ db: pool, name, version, scope, after, limit: pageSize });
      const last = records.at(-1);
      if (last === undefined) return released;
      const run = (some: readonly LogRecord[], refused?: ReadonlyMap<string, string>) =>
        replayRecords({
          definition,
          decode,
          records: some,
          positions: new Map(),
          sink,
          copyThreshold,
          emitter,
          parking: refused === undefined ? parking : { ...parking, refused },
        });
      try {
        await run(records);
        after = last;
      } catch (error) {
        if (!(error instanceof RefusedBatch)) throw error;
        const refused = records.filter((record) => error.covers(record));
        await isolateRefused({ records: refused, cause: error.cause, run });
        // What came after the refused events was not committed: it is read again.
        const end = refused.at(-1) ?? last;
        after = { partition: end.partition, offset: end.offset };
      }
    }
  } finally {
    stopCounting();
  }
};
