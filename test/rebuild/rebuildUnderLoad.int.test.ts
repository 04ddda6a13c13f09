import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerDirectoryV1 } from '../../projections/customer-directory/v1.ts';
import { customerDirectoryV2 } from '../../projections/customer-directory/v2.ts';
import { Appender, highWatermarks, offsetDistance, type OffsetVector } from '../../src/log/index.ts';
import { readCheckpoints } from '../../src/registry/index.ts';
import { replayProjection } from '../../src/projections/index.ts';
import { eventually } from '../harness/testEnv.ts';
import { appendAll } from '../projections/support/appendAll.ts';
import { tableChecksums } from '../projections/support/tableChecksum.ts';
import { cloneAs } from './fixtures/directoryVersions.ts';
import { customerEvents } from './support/customerEvents.ts';
import { decode, openTestBed, type TestBed } from './support/testBed.ts';

const name = 'customer-directory';
const total = (vector: OffsetVector) => [...vector.values()].reduce((a, b) => a + b, 0n);

describe('a rebuild under write load', () => {
  let bed: TestBed;
  beforeEach(async () => {
    bed = await openTestBed('load');
  });
  afterEach(async () => {
    await bed.close();
  });

  /** Commands keep landing: 40 events every 20 ms on one producer, until stopped. */
  const startLoad = async () => {
    const appender = await new Appender(bed.client).connect();
    let stop = false;
    let appended = 0;
    const loop = (async () => {
      for (let round = 0; !stop; round++) {
        const events = customerEvents({ count: 40, customers: 3_000, seed: 1_000 + round, prefix: 'load' });
        await appender.append(events);
        appended += events.length;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    return {
      appended: () => appended,
      stop: async () => {
        stop = true;
        await loop;
        await appender.close();
      },
    };
  };

  it('ends a version built while events keep arriving with the same rows as one built from a quiet log', async () => {
    const { pool, client } = bed;
    await appendAll(client, customerEvents({ count: 20_000, customers: 4_000, seed: 61 }));
    const first = await bed.startEngine({ definitions: [customerDirectoryV1] });
    await first.waitFor('cutover:done', (e) => e.to === 1);
    await bed.stopEngine(first.engine);

    const load = await startLoad();
    const loop = monitorEventLoopDelay({ resolution: 10 });
    let arrivedDuringBuild: number | undefined;
    try {
      // a deploy adds v2, built beside v1 while v1 serves and the load goes on
      const second = await bed.startEngine({
        definitions: [customerDirectoryV1, customerDirectoryV2],
        limits: { maxEvents: 2_000, maxDelayMs: 50 },
      });
      loop.enable();
      const started = await second.waitFor('rebuild:started', (e) => e.version === 2);
      expect(started).toMatchObject({ resumed: false, fromScratch: false });
      const atStart = started.total;
      const built = await second.waitFor('rebuild:built', (e) => e.version === 2, 60_000);
      loop.disable();
      expect(built.total).toBe(atStart);
      const caughtUp = await second.waitFor('rebuild:caught-up', (e) => e.version === 2, 30_000);
      // it replayed to the target fixed at its start, then caught up with what came meanwhile
      arrivedDuringBuild = Number(total(caughtUp.positions) - atStart);
      expect(arrivedDuringBuild).toBeGreaterThan(0);
      const batches = second.all('rebuild:batch').filter((b) => b.version === 2);
      expect(batches.length).toBeGreaterThanOrEqual(2);
      expect(batches.every((b) => b.target === atStart)).toBe(true);
      expect(batches.map((b) => b.applied)).toEqual(
        batches.map((b) => b.applied).sort((a, b) => (a < b ? -1 : 1)),
      );
      expect(batches.at(-1)?.applied).toBe(atStart);
      expect(batches.some((b) => b.rate > 0 && b.etaMs !== null)).toBe(true);
      const progress = await pool.query<{ applied: string; target_total: string; phase: string }>(
        `select applied::text, target_total::text, phase from projectionist.rebuilds where name = $1 and version = 2`,
        [name],
      );
      expect(progress.rows).toEqual([
        { applied: atStart.toString(), target_total: atStart.toString(), phase: 'tailing' },
      ]);
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await load.stop();
    }
    console.log(
      `rebuild under load: ${load.appended()} events appended while it ran, ${arrivedDuringBuild ?? '?'} after the bulk target; ` +
        `event loop delay during the build p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms`,
    );

    const head = await highWatermarks({ client, topic: client.topics.events });
    for (const version of [1, 2])
      await eventually(
        async () =>
          offsetDistance(await readCheckpoints({ db: pool, name, version }), head) === 0n ? true : undefined,
        20_000,
        `v${version} to catch up`,
      );
    for (const [built, clean] of [
      [customerDirectoryV2, cloneAs(customerDirectoryV2, 9)],
      [customerDirectoryV1, cloneAs(customerDirectoryV1, 8)],
    ] as const) {
      const replay = await replayProjection({ pool, client, definition: clean, decode, until: head });
      expect(replay.status).toBe('reached');
      const expected = await tableChecksums(pool, clean);
      expect(Object.values(expected).every((sum) => !sum.startsWith('0 rows'))).toBe(true);
      expect(await tableChecksums(pool, built)).toEqual(expected);
    }
  });
});
