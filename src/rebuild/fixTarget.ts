import type pg from 'pg';
import { highWatermarks, offsetVectorToJson, type LogClient, type OffsetVector } from '../log/index.ts';
import {
  type Lease,
  inFencedTransaction,
  lockFromScratch,
  readVersionRow,
  writeRebuild,
} from '../registry/index.ts';
import type { ProjectionDefinition } from '../definitions/index.ts';
import { resetVersion } from './resetVersion.ts';

export type FixedTarget = {
  /** The offset vector the bulk replay runs up to (exclusive). */
  readonly target: OffsetVector;
  readonly total: bigint;
  /** A previous run stored it: this one goes on from that run's checkpoints. */
  readonly resumed: boolean;
  readonly fromScratch: boolean;
};

/**
 * Settles where a build ends, under its lease: empties the version first when a build from
 * scratch was asked (also when one is asked while this runs), then keeps the target a previous
 * run stored, or stores the high watermarks of now, in the same transaction that clears the
 * request that started the build. From then on a new request is a new one.
 */
export const fixTarget = async (options: {
  pool: pg.Pool;
  client: LogClient;
  lease: Lease;
  definition: ProjectionDefinition;
}): Promise<FixedTarget> => {
  const { pool, client, lease, definition } = options;
  const { name, version } = definition;
  let fromScratch = false;
  for (;;) {
    const row = await readVersionRow({ db: pool, name, version });
    if (row?.fromScratch === true) {
      await resetVersion({ pool, lease, definition });
      fromScratch = true;
      continue;
    }
    const stored = row?.target ?? null;
    const target = stored ?? (await highWatermarks({ client, topic: client.topics.events }));
    const total = [...target.values()].reduce((a, b) => a + b, 0n);
    const fixed = await inFencedTransaction(pool, lease, async (db) => {
      if (await lockFromScratch({ db, name, version })) return false;
      await writeRebuild({
        db,
        name,
        version,
        fields: {
          requested_at: null,
          phase: 'replaying',
          ...(stored === null
            ? { target: offsetVectorToJson(target), target_total: total.toString(), started_at: new Date() }
            : {}),
        },
      });
      return true;
    });
    if (fixed) return { target, total, resumed: stored !== null, fromScratch };
  }
};
