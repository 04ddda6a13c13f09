// A process that serves HTTP keeps its latency during a replay: the stable view is read over HTTP
// at a steady rate, first on a quiet process, then while the same process replays the whole log.
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { contractRegistry } from '../events/index.ts';
import { customerDirectoryV1 } from '../projections/customer-directory/v1.ts';
import { projections } from '../projections/index.ts';
import { loadConfig } from '../src/config/index.ts';
import type { ProjectionDefinition } from '../src/definitions/index.ts';
import { replayThreadOf, startProjectionist } from '../src/main.ts';
import { contractsDecoder, replayProjection } from '../src/projections/index.ts';
import { activateVersion } from '../src/rebuild/index.ts';
import { migrateRegistry } from '../src/registry/index.ts';
import type { Bench } from './lib/Bench.ts';
import { benchDatabase } from './lib/benchDatabase.ts';
import { buildVersion } from './lib/buildVersion.ts';
import { runHttpLoad, type HttpSample } from './lib/httpLoad.ts';
import { watchEventLoop, type LoopDelay } from './lib/loopDelay.ts';
import { markdownTable } from './lib/markdownTable.ts';
import { median, percentile } from './lib/percentile.ts';
import { produceExampleLog, type ExampleLog } from './lib/produceExampleLog.ts';
import { benchBrokers } from './lib/startBenchProjectionist.ts';

const scale = Number(process.env.PROJECTIONIST_BENCH_SCALE ?? '1');
const settings = {
  events: Math.max(10_000, Math.round(1_000_000 * scale)),
  perSecond: 200,
  quietMs: 10_000,
};

type Phase = { p50: number; p99: number; max: number; loopP99: number; loopMax: number; failed: number };
type Figures = {
  quiet: Phase;
  replay: Phase;
  replayPerSecond: number;
  threaded: Phase;
  threadedPerSecond: number;
};

const phaseOf = (samples: readonly HttpSample[], loop: LoopDelay): Phase => {
  const ok = samples.filter((s) => s.status === 200).map((s) => s.ms);
  return {
    p50: percentile(ok, 50),
    p99: percentile(ok, 99),
    max: percentile(ok, 100),
    loopP99: loop.p99Ms,
    loopMax: loop.maxMs,
    failed: samples.length - ok.length,
  };
};

/** Runs `during` with the HTTP load on and the event loop watched; answers its phase figures. */
const measure = async (urls: readonly string[], during: () => Promise<void>): Promise<Phase> => {
  const load = runHttpLoad({ urls, perSecond: settings.perSecond });
  const loop = watchEventLoop();
  let delay: LoopDelay | undefined;
  try {
    await during();
  } finally {
    delay = loop.stop();
  }
  return phaseOf(await load.stop(), delay);
};

/**
 * One replay of the whole log into order-totals, in a fresh database, measured: in this thread
 * ('here') or in a worker thread of its own ('thread', as `serve` builds).
 */
const measureReplay = async (
  log: ExampleLog,
  definition: ProjectionDefinition,
  urls: readonly string[],
  way: 'here' | 'thread',
): Promise<{ phase: Phase; perSecond: number }> => {
  const target = await benchDatabase(`latency_${way}`);
  const pool = new pg.Pool({ connectionString: target.url, max: 4 });
  try {
    await migrateRegistry({ pool });
    const thread = replayThreadOf(
      loadConfig({
        PROJECTIONIST_KAFKA_BROKERS: benchBrokers.join(','),
        PROJECTIONIST_DATABASE_URL: target.url,
        PROJECTIONIST_TOPIC_PREFIX: log.prefix,
        PROJECTIONIST_LOG_LEVEL: 'warn',
      }),
    );
    let perSecond = Number.NaN;
    const phase = await measure(urls, async () => {
      const result = await replayProjection({
        pool,
        client: log.client,
        definition,
        decode: contractsDecoder(contractRegistry),
        until: log.end,
        ...(way === 'thread' ? { thread } : {}),
      });
      perSecond = log.events / (result.tookMs / 1000);
    });
    return { phase, perSecond };
  } finally {
    await pool.end();
    await target.drop();
  }
};

export const latencyBench: Bench = {
  name: 'latency',
  section: 'HTTP latency and event-loop delay during a replay',
  run: async ({ runs }) => {
    const orderTotals = projections.find((d) => d.name === 'order-totals' && d.version === 1);
    if (orderTotals === undefined) throw new Error('projections/order-totals/v1.ts is missing');
    const log = await produceExampleLog({ label: 'latency', count: settings.events });
    const results: Figures[] = [];
    try {
      for (let run = 1; run <= runs; run++) {
        process.stdout.write(`latency: run ${run} of ${runs}\n`);
        const database = await benchDatabase('latency');
        const pool = new pg.Pool({ connectionString: database.url, max: 4 });
        try {
          await migrateRegistry({ pool });
          await buildVersion(log, pool, customerDirectoryV1);
          await activateVersion({ pool, projection: 'customer-directory', version: 1, actor: 'bench' });
          const ids = (
            await pool.query<{ id: string }>('select id from customer_directory.customers limit 500')
          ).rows.map((r) => r.id);
          const running = await startProjectionist({
            env: {
              PROJECTIONIST_KAFKA_BROKERS: benchBrokers.join(','),
              PROJECTIONIST_TOPIC_PREFIX: log.prefix,
              PROJECTIONIST_DATABASE_URL: database.url,
              PROJECTIONIST_HTTP_HOST: '127.0.0.1',
              PROJECTIONIST_HTTP_PORT: '0',
              PROJECTIONIST_LOG_LEVEL: process.env.PROJECTIONIST_LOG_LEVEL ?? 'warn',
            },
            http: 'listen',
            workers: false,
          });
          try {
            const { port } = running.app?.server.address() as AddressInfo;
            const urls = ids.map(
              (id) => `http://127.0.0.1:${port}/projections/customer-directory/customers?id=${id}`,
            );
            // Warm-up, not measured: connections, the route's first compilations.
            await measure(urls, () => new Promise((r) => setTimeout(r, 2_000)));
            const quiet = await measure(urls, () => new Promise((r) => setTimeout(r, settings.quietMs)));
            // Each replay into a database of its own; the two ways take turns at going first.
            const ways = run % 2 === 1 ? (['here', 'thread'] as const) : (['thread', 'here'] as const);
            const phases = new Map<string, { phase: Phase; perSecond: number }>();
            for (const way of ways) phases.set(way, await measureReplay(log, orderTotals, urls, way));
            const here = phases.get('here');
            const thread = phases.get('thread');
            if (here === undefined || thread === undefined) throw new Error('a replay was not measured');
            results.push({
              quiet,
              replay: here.phase,
              replayPerSecond: here.perSecond,
              threaded: thread.phase,
              threadedPerSecond: thread.perSecond,
            });
          } finally {
            await running.stop();
          }
        } finally {
          await pool.end();
          await database.drop();
        }
      }
    } finally {
      await log.drop();
    }
    const m = (pick: (f: Figures) => number) => median(results.map(pick));
    const ms = (v: number) => v.toFixed(1);
    /** One measure: its median on the quiet process and during the replay. */
    const row = (
      label: string,
      pick: (p: Phase) => number,
      format: (v: number) => string,
      goal = '',
      ratio = false,
    ) => {
      const quiet = m((f) => pick(f.quiet));
      const replay = m((f) => pick(f.replay));
      const threaded = m((f) => pick(f.threaded));
      const times = (v: number) => (ratio ? `${(v / quiet).toFixed(2)}×` : '');
      return [label, format(quiet), format(replay), times(replay), format(threaded), times(threaded), goal];
    };
    const table = markdownTable(
      [
        'measure',
        'quiet process',
        'during the replay in this thread',
        'ratio',
        'during the replay in a worker thread',
        'ratio',
        'goal',
      ],
      [
        row('HTTP read p50 (ms)', (p) => p.p50, ms),
        row('HTTP read p99 (ms)', (p) => p.p99, ms, '≤ 2×', true),
        row('HTTP read max (ms)', (p) => p.max, ms),
        row('event-loop delay p99 (ms)', (p) => p.loopP99, ms, '≤ 20'),
        row('event-loop delay max (ms)', (p) => p.loopMax, ms),
        row('reads failed (must be 0)', (p) => p.failed, String, '0'),
      ],
    );
    return [
      `${log.events.toLocaleString('en-US')} example events on 6 partitions. Each run builds customer-directory v1 into a fresh`,
      'database and makes it active, then starts a Projectionist in the bench process (HTTP on, no workers, no',
      `engine) and reads \`GET /projections/customer-directory/customers?id=…\` at ${settings.perSecond}/s (open loop, from a worker`,
      `thread, 500 ids in turn): ${settings.quietMs / 1000} s on the quiet process, then for as long as the same process replays the`,
      'whole log into order-totals v1 (replayProjection, the run path of every build). The event loop of the serving',
      'thread is watched with monitorEventLoopDelay (10 ms resolution; the figures are the delay beyond it).',
      'The same replay runs a second time in a worker thread of its own (replayInThread, as `serve` builds); each',
      'replay goes into a fresh database, and the two take turns at going first. The thread is started and its',
      'modules loaded inside the measured replay time.',
      `Medians of ${runs}; replay rate medians`,
      `${Math.round(m((f) => f.replayPerSecond)).toLocaleString('en-US')} events/s in this thread and`,
      `${Math.round(m((f) => f.threadedPerSecond)).toLocaleString('en-US')} in a worker thread.`,
      '',
      table,
    ].join('\n');
  },
};
