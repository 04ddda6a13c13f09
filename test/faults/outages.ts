import pg from 'pg';
import { benchDatabase } from '../../bench/lib/benchDatabase.ts';
import { produceExampleLog } from '../../bench/lib/produceExampleLog.ts';
import { contractRegistry } from '../../events/index.ts';
import { projections } from '../../projections/index.ts';
import { catalogFromContracts, createCommandStore } from '../../src/commands/index.ts';
import { highWatermarks } from '../../src/log/index.ts';
import { createCommandClient } from './support/commandClient.ts';
import { startCommandFlow } from './support/commandFlow.ts';
import { waitDecided } from './support/commandsDecided.ts';
import { compareToClean } from './support/compareToClean.ts';
import { auditCommands, readEventLedger } from './support/eventLedger.ts';
import { faultEnv, scaled } from './support/faultEnv.ts';
import { sleep, type Scenario } from './support/scenarioResult.ts';
import { startServe, type ServeInstance } from './support/serveInstance.ts';
import { startBroker, startPostgres, stopBroker, stopPostgres } from './support/services.ts';
import { lagging, waitCaughtUp } from './support/versionProgress.ts';

/** A flush statement of the engine or the command state running right now in `database`. */
const flushInFlight = async (admin: pg.Pool, database: string, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = await admin.query<{ query: string }>(
      `select query from pg_stat_activity
       where datname = $1 and state = 'active' and pid <> pg_backend_pid()
         and query ~* '^\\s*(insert|update|delete|copy|with)'`,
      [database],
    );
    if (r.rows.length > 0) return true;
    await sleep(10);
  }
  return false;
};

/**
 * Scenario 2: one `serve` rebuilds every deployed version from an example log while senders
 * keep commands coming over HTTP; the broker is stopped (and started again) mid-commands and
 * mid-rebuild, PostgreSQL is stopped mid-flush and started again. Every accepted command must
 * have exactly one decision and its events once (counted on the log by causation id), commands
 * refused with a 503 during the outage are resent with the same id, and the rebuild must finish
 * equal to a clean build.
 */
export const outages: Scenario = {
  name: 'outages',
  title: 'broker stopped mid-commands and mid-rebuild; PostgreSQL stopped mid-flush',
  run: async () => {
    const rounds = scaled(2, 1);
    const log = await produceExampleLog({ label: 'faults-outages', count: scaled(60_000, 10_000) });
    const db = await benchDatabase('faults_outages');
    const database = new URL(db.url).pathname.slice(1);
    const pool = new pg.Pool({ connectionString: db.url, max: 4 });
    pool.on('error', () => undefined);
    const admin = new pg.Pool({ connectionString: faultEnv.pgAdminUrl, max: 1 });
    admin.on('error', () => undefined);
    const store = createCommandStore({
      pool,
      prefix: log.prefix,
      catalog: catalogFromContracts(contractRegistry),
    });
    const env = {
      PROJECTIONIST_KAFKA_BROKERS: faultEnv.brokers.join(','),
      PROJECTIONIST_TOPIC_PREFIX: log.prefix,
      PROJECTIONIST_DATABASE_URL: db.url,
      PROJECTIONIST_WORKER_SESSION_TIMEOUT_MS: '6000',
      PROJECTIONIST_LEASE_TTL_MS: '4000',
    };
    const details: string[] = [];
    const faults = { 'broker stops (down 8 s, then started)': 0, 'PostgreSQL stops mid-flush (down 3 s)': 0 };
    let serve: ServeInstance | undefined;
    let crashes = 0;
    const urls = () => (serve?.alive() === true ? [serve.baseUrl] : []);
    const restartIfDead = async () => {
      if (serve?.alive() !== false) return;
      crashes++;
      details.push(`serve exited (${String(serve.child.exitCode ?? serve.child.signalCode)}); started again`);
      serve = await startServe({ label: 'outages-serve', port: 28_200, env });
    };
    try {
      serve = await startServe({ label: 'outages-serve', port: 28_200, env });
      const client = createCommandClient({ urls });
      const flow = startCommandFlow({ client, senders: 4, tag: 'out' });
      let midRebuild = 0;
      let midFlush = 0;
      try {
        for (let round = 0; round < rounds; round++) {
          await sleep(3_000);
          if ((await lagging(pool, log.client, projections).catch(() => [])).length > 0) midRebuild++;
          const before = client.stats.accepted;
          await stopBroker();
          faults['broker stops (down 8 s, then started)']++;
          await sleep(8_000);
          await startBroker();
          await restartIfDead();
          // commands flow again before the next fault
          const resumeBy = Date.now() + 60_000;
          while (client.stats.accepted <= before + 20 && Date.now() < resumeBy) await sleep(250);
          details.push(
            `round ${round + 1}: commands accepted again ${client.stats.accepted - before} after the broker came back`,
          );
          if (await flushInFlight(admin, database, 20_000)) midFlush++;
          await stopPostgres();
          faults['PostgreSQL stops mid-flush (down 3 s)']++;
          await sleep(3_000);
          await startPostgres();
          await sleep(2_000);
          await restartIfDead();
        }
        await sleep(3_000);
      } finally {
        await flow.stop();
      }
      await restartIfDead();
      const accepted = [...flow.ids].filter((id) => !client.stats.unsent.includes(id));
      const undecided = await waitDecided(pool, store.tables.outcomes, accepted, 120_000);
      const behind = await waitCaughtUp(pool, log.client, [...projections, store.definition], 180_000);
      await serve.kill('SIGTERM');
      const ledger = await readEventLedger(log.client);
      const audit = auditCommands(ledger, accepted);
      const until = await highWatermarks({ client: log.client, topic: log.client.topics.events });
      const diffs = await compareToClean({ pool, client: log.client, definitions: projections, until });
      details.push(
        `${rounds} rounds; broker outages while a version was rebuilding: ${midRebuild} of ${rounds}; PostgreSQL stopped while a flush statement ran: ${midFlush} of ${rounds}`,
        `${flow.ids.size} commands sent, ${client.stats.accepted} accepted (202); ${client.stats.retried503} answers 503 and ${client.stats.retriedUnreachable} without an answer, each resent with the same id; ${client.stats.unsent.length} given up on`,
        `on the log: ${audit.applied} applied, ${audit.rejected} rejected, each exactly once; lost ${audit.lost.length}, doubled ${audit.doubled.length}, event ids twice ${audit.repeatedEvents}`,
        ...diffs.map(
          (d) =>
            `${d.version} ${d.table}: ${d.checksum === d.clean ? 'equal to the clean build' : 'DIFFERS'} (${d.checksum}; missing ${d.missing}, extra ${d.extra})`,
        ),
        ...behind.map((b) => `wedged: ${b.name} v${b.version} ${b.lag} records behind`),
        ...(undecided.length > 0 ? [`undecided after 120 s: ${undecided.slice(0, 5).join(', ')}`] : []),
        ...client.stats.fiveXx.slice(0, 5).map((f) => `5xx: ${f.status} ${f.body}`),
        ...client.stats.refused.slice(0, 5).map((f) => `refused: ${f.status} ${f.body}`),
        `serve crashes (restarted): ${crashes}`,
      );
      return {
        rounds,
        faults,
        lost: audit.lost.length + diffs.reduce((n, d) => n + d.missing, 0) + client.stats.unsent.length,
        doubled: audit.doubled.length + audit.repeatedEvents + diffs.reduce((n, d) => n + d.extra, 0),
        wedged: behind.length + crashes + client.stats.refused.length,
        fiveXx: client.stats.fiveXx.length,
        details,
      };
    } finally {
      await serve?.kill('SIGKILL');
      await admin.end();
      await pool.end();
      await log.drop().catch(() => undefined);
      await db.drop().catch(() => undefined);
    }
  },
};
