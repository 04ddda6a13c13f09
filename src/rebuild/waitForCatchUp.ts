import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { highWatermarks, offsetDistance, type LogClient, type OffsetVector } from '../log/index.ts';
import { readCheckpoints } from '../registry/index.ts';

export type CatchUp = {
  readonly caughtUp: boolean;
  /** Records between the committed checkpoints and the high watermarks read at the start. */
  readonly lag: bigint;
  readonly positions: OffsetVector;
  readonly highWatermarks: OffsetVector;
};

/**
 * Whether a version has committed everything the events topic holds now: reads the high
 * watermarks once, then the version's checkpoints every 50 ms until they reach them or `waitMs`
 * passes. A tailing version flushes within its batch delay, so a short wait lets one that is
 * current pass under a steady write load; one that is paused, failed or far behind does not.
 */
export const waitForCatchUp = async (options: {
  pool: pg.Pool;
  client: LogClient;
  name: string;
  version: number;
  waitMs: number;
}): Promise<CatchUp> => {
  const { pool, client, name, version } = options;
  const target = await highWatermarks({ client, topic: client.topics.events });
  const deadline = performance.now() + options.waitMs;
  for (;;) {
    const positions = await readCheckpoints({ db: pool, name, version });
    const lag = offsetDistance(positions, target);
    if (lag === 0n || performance.now() >= deadline)
      return { caughtUp: lag === 0n, lag, positions, highWatermarks: target };
    await sleep(50);
  }
};
