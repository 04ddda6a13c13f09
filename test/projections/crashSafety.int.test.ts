import { describe, expect, it } from 'vitest';
import { highWatermarks } from '../../src/log/index.ts';
import { replayProjection } from '../../src/projections/index.ts';
import { launchNode } from '../harness/launchNode.ts';
import { kafkaBrokers } from '../harness/testServices.ts';
import { ledgerProjection } from './fixtures/ledgerProjection.ts';
import { appendAll } from './support/appendAll.ts';
import { ledgerEvents, seeded } from './support/ledgerEvents.ts';
import { useProjectionBed } from './support/projectionBed.ts';
import { tableChecksums } from './support/tableChecksum.ts';
import { testDecoder } from './support/testDecoder.ts';

type Line = { event: string; at?: string; from?: string };

/** The projector process: its output lines as they come, and a way to wait for one. */
const launch = (env: Record<string, string>) =>
  launchNode<Line>({
    label: 'projector',
    script: 'test/projections/fixtures/projectorProcess.ts',
    env,
    json: true,
  });

describe('crash safety', () => {
  const bed = useProjectionBed({ label: 'crash', eventsPartitions: 4, poolMax: 4, registry: true });

  it('ends identical to a clean build after a projector process is killed -9 at random points, again and again', async () => {
    const { pool, client } = bed;
    const random = seeded(20_240_501);
    const env = {
      PJ_BROKERS: kafkaBrokers().join(','),
      PJ_PREFIX: client.prefix,
      PJ_DATABASE_URL: bed.databaseUrl,
      PJ_VERSION: '1',
    };
    await appendAll(client, ledgerEvents({ count: 6_000, accounts: 400, seed: 1 }));
    const resumedFrom: bigint[] = [];
    let killedMidWay = 0;
    for (let round = 0; round < 8; round++) {
      const run = launch(env);
      try {
        await run.waitFor((l) => l.event === 'started', 30_000);
        resumedFrom.push(BigInt(run.lines.find((l) => l.event === 'started')?.from ?? '0'));
        // more events arrive while it runs, so some kills land in the live tail
        const appending = appendAll(
          client,
          ledgerEvents({ count: 400, accounts: 450, seed: 100 + round, prefix: 'acct' }),
        );
        await new Promise((r) => setTimeout(r, 300 + Math.floor(random() * 1_500)));
        if (run.lines.some((l) => l.event === 'batch')) killedMidWay++;
        await run.kill('SIGKILL');
        await appending;
      } finally {
        await run.kill('SIGKILL');
      }
    }
    // the last run is left alone until it has caught up with everything, then stopped cleanly
    const last = launch(env);
    try {
      const total = [...(await highWatermarks({ client, topic: client.topics.events })).values()].reduce(
        (a, b) => a + b,
        0n,
      );
      await last.waitFor((l) => l.event === 'caught-up' && BigInt(l.at ?? '0') >= total, 60_000);
      await last.kill('SIGTERM');
    } finally {
      await last.kill('SIGKILL');
    }

    const until = await highWatermarks({ client, topic: client.topics.events });
    const clean = await replayProjection({
      pool,
      client,
      definition: ledgerProjection(2),
      decode: testDecoder,
      until,
    });
    expect(clean.status).toBe('reached');
    expect(await tableChecksums(pool, ledgerProjection(1))).toEqual(
      await tableChecksums(pool, ledgerProjection(2)),
    );
    // the kills landed where they hurt: after flushes had begun, and runs resumed mid-log
    expect(killedMidWay).toBeGreaterThanOrEqual(4);
    expect(resumedFrom.filter((n) => n > 0n).length).toBeGreaterThanOrEqual(4);
  });
});
