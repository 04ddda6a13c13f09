import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureTopics, highWatermarks, type LogClient } from '../../src/log/index.ts';
import { migrateRegistry } from '../../src/registry/index.ts';
import { replayProjection } from '../../src/projections/index.ts';
import { kafkaBrokers, testLogClient, testPrefix, useTestDatabase } from '../harness/testServices.ts';
import { ledgerProjection } from './fixtures/ledgerProjection.ts';
import { appendAll } from './support/appendAll.ts';
import { ledgerEvents, seeded } from './support/ledgerEvents.ts';
import { tableChecksums } from './support/tableChecksum.ts';
import { testDecoder } from './support/testDecoder.ts';

type Line = { event: string; at?: string; from?: string };

/** The projector process: its output lines as they come, and a way to wait for one. */
const launch = (env: Record<string, string>) => {
  const child: ChildProcess = spawn(
    'node_modules/.bin/node',
    ['test/projections/fixtures/projectorProcess.ts'],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines: Line[] = [];
  const waiters: (() => void)[] = [];
  if (child.stdout !== null)
    createInterface({ input: child.stdout }).on('line', (text) => {
      lines.push(JSON.parse(text) as Line);
      for (const wake of waiters.splice(0)) wake();
    });
  const exited = once(child, 'exit');
  const waitFor = async (test: (line: Line) => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!lines.some(test)) {
      if (Date.now() > deadline)
        throw new Error(`no such line in time; saw ${JSON.stringify(lines.slice(-5))}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  };
  return { child, lines, exited, waitFor };
};

describe('crash safety', () => {
  let databaseUrl: string;
  let pool: pg.Pool;
  let client: LogClient;

  beforeAll(async () => {
    databaseUrl = await useTestDatabase();
  });
  beforeEach(async () => {
    pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    client = testLogClient(testPrefix('crash'));
    await ensureTopics({ client, eventsPartitions: 4, commandsPartitions: 1, replicationFactor: 1 });
    await migrateRegistry({ pool });
  });
  afterEach(async () => {
    await client.close();
    await pool.end();
  });

  it('ends identical to a clean build after a projector process is killed -9 at random points, again and again', async () => {
    const random = seeded(20_240_501);
    const env = {
      PJ_BROKERS: kafkaBrokers().join(','),
      PJ_PREFIX: client.prefix,
      PJ_DATABASE_URL: databaseUrl,
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
        run.child.kill('SIGKILL');
        await run.exited;
        await appending;
      } finally {
        if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
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
      last.child.kill('SIGTERM');
      await last.exited;
    } finally {
      if (last.child.exitCode === null && last.child.signalCode === null) last.child.kill('SIGKILL');
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
