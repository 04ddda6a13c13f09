import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerDirectoryV2 } from '../../projections/customer-directory/v2.ts';
import { highWatermarks } from '../../src/log/index.ts';
import { replayProjection } from '../../src/projections/index.ts';
import { appendAll } from '../projections/support/appendAll.ts';
import { tableChecksums } from '../projections/support/tableChecksum.ts';
import { cloneAs } from './fixtures/directoryVersions.ts';
import { customerEvents } from './support/customerEvents.ts';
import { launchEngine, type Line } from './support/launchEngine.ts';
import { decode, openTestBed, type TestBed } from './support/testBed.ts';

const isBatch = (l: Line) => l.event === 'batch';
const applied = (l: Line) => BigInt(l.applied ?? '0');

describe('a rebuild that loses its process', () => {
  let bed: TestBed;
  const engines: ReturnType<typeof launchEngine>[] = [];
  beforeEach(async () => {
    bed = await openTestBed('crash');
    await appendAll(bed.client, customerEvents({ count: 30_000, customers: 6_000, seed: 71 }));
  });
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.kill('SIGKILL');
    await bed.close();
  });

  const launch = (holder: string) => {
    const engine = launchEngine({
      prefix: bed.client.prefix,
      databaseUrl: bed.databaseUrl,
      holder,
      versions: '2',
      leaseTtlMs: 1_500,
      maxRows: 400,
    });
    engines.push(engine);
    return engine;
  };

  /** The rows a build of the same log from scratch, in this process, ends with. */
  const cleanBuild = async () => {
    const clean = cloneAs(customerDirectoryV2, 9);
    const until = await highWatermarks({ client: bed.client, topic: bed.client.topics.events });
    expect(
      (await replayProjection({ pool: bed.pool, client: bed.client, definition: clean, decode, until }))
        .status,
    ).toBe('reached');
    return tableChecksums(bed.pool, clean);
  };

  it('resumes from its checkpoints and its first target after kill -9, ending identical to a clean build', async () => {
    const first = launch('first');
    const started = await first.waitFor((l) => l.event === 'started', 30_000);
    const total = BigInt(started.total ?? '0');
    expect(started).toMatchObject({ resumed: false, from: '0' });
    await first.waitFor((l) => isBatch(l) && applied(l) * 4n > total, 30_000);
    await first.kill('SIGKILL');
    const committed = first.lines.filter(isBatch).map(applied);
    expect(first.lines.some((l) => l.event === 'built')).toBe(false);

    // the lease of the dead process expires; the next one takes it and goes on
    const second = launch('second');
    const resumed = await second.waitFor((l) => l.event === 'started', 30_000);
    expect(resumed).toMatchObject({ resumed: true, total: started.total, target: started.target });
    const from = BigInt(resumed.from ?? '0');
    expect(from).toBeGreaterThanOrEqual(committed.at(-1) ?? 1n);
    expect(from).toBeLessThan(total);
    await second.waitFor((l) => l.event === 'caught-up', 60_000);
    // progress never went backwards, and the second run replayed only what was left
    const progress = [...committed, ...second.lines.filter(isBatch).map(applied)];
    expect(progress).toEqual([...progress].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(total - from).toBeLessThan(total);
    console.log(`kill -9 at ${committed.at(-1)} of ${total} records; resumed from ${from}`);
    await second.kill('SIGTERM');

    expect(await tableChecksums(bed.pool, customerDirectoryV2)).toEqual(await cleanBuild());
  });

  it('lets one of two engines build while the other stands by, and the other take over when the first dies', async () => {
    const a = launch('engine-a');
    const b = launch('engine-b');
    const builder = await Promise.race([
      a.waitFor((l) => l.event === 'started', 30_000).then(() => a),
      b.waitFor((l) => l.event === 'started', 30_000).then(() => b),
    ]);
    const other = builder === a ? b : a;
    await other.waitFor((l) => l.event === 'standby', 10_000);
    const total = BigInt(builder.lines.find((l) => l.event === 'started')?.total ?? '0');
    await builder.waitFor((l) => isBatch(l) && applied(l) * 4n > total, 30_000);
    expect(other.lines.some((l) => l.event === 'started' || isBatch(l))).toBe(false);
    const killedAt = Date.now();
    await builder.kill('SIGKILL');

    const takeover = await other.waitFor((l) => l.event === 'started', 30_000);
    const tookMs = Date.now() - killedAt;
    expect(takeover.resumed).toBe(true);
    expect(BigInt(takeover.from ?? '0')).toBeGreaterThan(0n);
    await other.waitFor((l) => l.event === 'caught-up', 60_000);
    console.log(`${other.holder} took over ${tookMs} ms after ${builder.holder} died (lease ttl 1500 ms)`);
    const lease = await bed.pool.query(
      `select holder from projectionist.leases where name = 'customer-directory'`,
    );
    expect(lease.rows).toEqual([{ holder: other.holder }]);
    await other.kill('SIGTERM');

    expect(await tableChecksums(bed.pool, customerDirectoryV2)).toEqual(await cleanBuild());
  });
});
