import pg from 'pg';
import { benchDatabase } from '../../bench/lib/benchDatabase.ts';
import { exampleEvents } from '../../bench/lib/exampleEvents.ts';
import { produceExampleLog } from '../../bench/lib/produceExampleLog.ts';
import { projections } from '../../projections/index.ts';
import { Appender, highWatermarks } from '../../src/log/index.ts';
import { migrateRegistry } from '../../src/registry/index.ts';
import { compareToClean } from './support/compareToClean.ts';
import { faultEnv, scaled } from './support/faultEnv.ts';
import { launch, type Launched, type Line } from './support/launch.ts';
import { faultSeed, seeded, sleep, type Scenario } from './support/scenarioResult.ts';
import { waitCaughtUp } from './support/versionProgress.ts';

const versionOf = (l: Line) => `${String(l.name)} v${String(l.version)}`;

/** Versions this run had started replaying and not yet built: a kill now lands mid-rebuild. */
const replaying = (run: Launched) => {
  const open = new Set<string>();
  for (const l of run.lines) {
    if (l.event === 'started') open.add(versionOf(l));
    if (l.event === 'built') open.delete(versionOf(l));
  }
  return open;
};

/**
 * Scenario 1: an engine process rebuilding every deployed version from a realistic example log
 * is killed with SIGKILL at random moments, again and again (a few live events arrive between
 * some rounds); the last run is left to catch up. Then every table of every version must equal
 * a clean build of the same log, row for row and by checksum.
 */
export const rebuildKills: Scenario = {
  name: 'rebuild-kills',
  title: 'SIGKILL at random moments of a rebuild',
  run: async () => {
    const random = seeded(faultSeed);
    const rounds = scaled(20, 3);
    const count = scaled(60_000, 10_000);
    const log = await produceExampleLog({ label: 'faults-kills', count });
    const db = await benchDatabase('faults_kills');
    const pool = new pg.Pool({ connectionString: db.url, max: 6 });
    // What serve does at start-up, once: the engine processes ask for the registry.
    await migrateRegistry({ pool });
    const env = {
      PJ_BROKERS: faultEnv.brokers.join(','),
      PJ_PREFIX: log.prefix,
      PJ_DATABASE_URL: db.url,
      PJ_LEASE_TTL_MS: '1500',
      PJ_MAX_ROWS: '2000',
    };
    const details: string[] = [];
    try {
      let midRebuild = 0;
      let resumed = 0;
      let live = 0;
      const appender = await new Appender(log.client).connect();
      try {
        for (let round = 0; round < rounds; round++) {
          const run = launch({
            label: 'rebuild-kills-engine',
            script: 'test/rebuild/fixtures/engineProcess.ts',
            env: { ...env, PJ_HOLDER: `kills-${round}` },
            json: true,
          });
          try {
            await run.waitFor((l) => l.event === 'running', 60_000);
            if (round % 4 === 3) {
              const more = [...exampleEvents({ count: 500, tag: `live${round}`, seed: round })];
              await appender.append(more);
              live += more.length;
            }
            await sleep(200 + Math.floor(random() * 2_500));
            if (replaying(run).size > 0) midRebuild++;
            resumed += run.lines.filter((l) => l.event === 'started' && l.resumed === true).length;
          } finally {
            await run.kill('SIGKILL');
          }
        }
      } finally {
        await appender.close();
      }
      const last = launch({
        label: 'rebuild-kills-engine',
        script: 'test/rebuild/fixtures/engineProcess.ts',
        env: { ...env, PJ_HOLDER: 'kills-last' },
        json: true,
      });
      const finishStarted = Date.now();
      let behind;
      try {
        await last.waitFor((l) => l.event === 'running', 60_000);
        behind = await waitCaughtUp(pool, log.client, projections, 240_000);
      } finally {
        await last.kill('SIGTERM');
      }
      const failed = last.lines
        .filter((l) => l.event === 'failed')
        .map((l) => `${versionOf(l)}: ${String(l.message)}`);
      const until = await highWatermarks({ client: log.client, topic: log.client.topics.events });
      const diffs = await compareToClean({ pool, client: log.client, definitions: projections, until });
      const differing = diffs.filter((d) => d.missing + d.extra > 0 || d.checksum !== d.clean);
      details.push(
        `log: ${count} example events + ${live} live ones; ${rounds} kills, ${midRebuild} while a version was replaying; ${resumed} replays resumed from checkpoints`,
        `the last run caught up in ${((Date.now() - finishStarted) / 1000).toFixed(1)} s`,
        ...diffs.map(
          (d) =>
            `${d.version} ${d.table}: ${d.checksum === d.clean ? 'equal to the clean build' : 'DIFFERS'} (${d.checksum}; missing ${d.missing}, extra ${d.extra})`,
        ),
        ...failed.map((f) => `failed: ${f}`),
        ...behind.map((b) => `wedged: ${b.name} v${b.version} ${b.lag} records behind`),
      );
      return {
        rounds,
        faults: { 'SIGKILL of the rebuilding engine': rounds },
        lost: diffs.reduce((n, d) => n + d.missing, 0),
        doubled:
          diffs.reduce((n, d) => n + d.extra, 0) + differing.filter((d) => d.missing + d.extra === 0).length,
        wedged: behind.length + failed.length,
        fiveXx: 0,
        details,
      };
    } finally {
      await pool.end();
      await log.drop();
      await db.drop();
    }
  },
};
