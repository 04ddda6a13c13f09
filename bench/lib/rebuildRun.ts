// One rebuild measured in a process of its own (so its RSS is its own): replays an events topic
// into a fresh database with replayProjection and prints one JSON line (RebuildFigures) on stdout.
// Run by bench/rebuild.ts: node bench/lib/rebuildRun.ts <prefix> <projection> [limits JSON].
// PROJECTIONIST_BENCH_REPLAY_THREAD=1 replays in a worker thread (replayInThread, as `serve`
// builds), with the thread's heap limits (PROJECTIONIST_REPLAY_THREAD_YOUNG_MB and _HEAP_MB) and the
// process's heap growth (PROJECTIONIST_HEAP_GROWING_PERCENT) from the environment, as `serve` has them.
import { memoryUsage } from 'node:process';
import pg from 'pg';
import { contractRegistry } from '../../events/index.ts';
import { projections } from '../../projections/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { highWatermarks, LogClient } from '../../src/log/index.ts';
import { createLogger } from '../../src/logger/index.ts';
import {
  contractsDecoder,
  createEmitter,
  replayProjection,
  type ProjectorEvents,
} from '../../src/projections/index.ts';
import { limitHeapGrowth, replayThreadOf } from '../../src/main.ts';
import { migrateRegistry } from '../../src/registry/index.ts';
import { benchDatabase } from './benchDatabase.ts';
import { watchEventLoop, type LoopDelay } from './loopDelay.ts';

/** What one run answers. RSS in MiB; `rss` sampled every 200 ms with the events applied by then. */
export type RebuildFigures = {
  readonly projection: string;
  readonly events: number;
  readonly tookMs: number;
  readonly perSecond: number;
  readonly cpuMs: number;
  readonly flushMs: number;
  readonly flushes: number;
  readonly loaded: number;
  readonly skipped: number;
  readonly rss: readonly { readonly events: number; readonly mib: number }[];
  /** The event loop's delay during the replay beyond monitorEventLoopDelay's 10 ms resolution, in ms. */
  readonly loopDelay?: LoopDelay;
};

const versions = { 'order-totals': 1, 'customer-directory': 2 } as const;

const [prefix, name, limitsJson] = process.argv.slice(2);
const definition = projections.find(
  (d) => d.name === name && d.version === versions[name as keyof typeof versions],
);
if (prefix === undefined || definition === undefined) {
  process.stderr.write('usage: node bench/lib/rebuildRun.ts <prefix> <order-totals|customer-directory>\n');
  process.exit(2);
}
const brokers = (process.env.PROJECTIONIST_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const client = new LogClient({
  brokers,
  clientId: 'projectionist-bench',
  prefix,
  logger: createLogger({ level: 'warn' }),
});
const database = await benchDatabase('rebuild');
const pool = new pg.Pool({ connectionString: database.url, max: 4 });
try {
  // The start-up's, not the rebuild's: outside the figures.
  await migrateRegistry({ pool });
  // In a thread, as `serve` builds: its heap limits and the process's heap growth, from the config.
  const threadConfig =
    process.env.PROJECTIONIST_BENCH_REPLAY_THREAD === '1'
      ? loadConfig({
          ...process.env,
          PROJECTIONIST_KAFKA_BROKERS: brokers.join(','),
          PROJECTIONIST_DATABASE_URL: database.url,
          PROJECTIONIST_TOPIC_PREFIX: prefix,
          PROJECTIONIST_LOG_LEVEL: 'warn',
        })
      : undefined;
  if (threadConfig !== undefined) limitHeapGrowth(threadConfig);
  const until = await highWatermarks({ client, topic: client.topics.events });
  const events = Number([...until.values()].reduce((a, b) => a + b, 0n));
  const emitter = createEmitter<ProjectorEvents>();
  let done = 0;
  let flushMs = 0;
  let flushes = 0;
  let loaded = 0;
  let skipped = 0;
  emitter.on('projector:batch', (b) => {
    done += b.applied + b.ignored + b.skipped;
    flushMs += b.flushMs;
    flushes++;
    loaded += b.loaded;
  });
  emitter.on('projector:skipped', () => skipped++);
  const rss: { events: number; mib: number }[] = [];
  const sample = () => rss.push({ events: done, mib: memoryUsage.rss() / 1024 ** 2 });
  const sampler = setInterval(sample, 200);
  const loop = watchEventLoop();
  let loopDelay: LoopDelay | undefined;
  const cpu = process.cpuUsage();
  const result = await replayProjection({
    pool,
    client,
    definition,
    decode: contractsDecoder(contractRegistry),
    until,
    emitter,
    ...(limitsJson === undefined ? {} : { limits: JSON.parse(limitsJson) as Record<string, number> }),
    ...(threadConfig === undefined ? {} : { thread: replayThreadOf(threadConfig) }),
  }).finally(() => {
    clearInterval(sampler);
    loopDelay = loop.stop();
  });
  // Up to the target, as the bench has always measured a replay: the indexes built after it are not counted.
  const tookMs = result.tookMs;
  const used = process.cpuUsage(cpu);
  sample();
  if (result.status !== 'reached') throw new Error(`the replay ended ${result.status}`);
  const figures: RebuildFigures = {
    projection: name as string,
    events,
    tookMs,
    perSecond: events / (tookMs / 1000),
    cpuMs: (used.user + used.system) / 1000,
    flushMs,
    flushes,
    loaded,
    skipped,
    rss,
    ...(loopDelay === undefined ? {} : { loopDelay }),
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
} finally {
  await pool.end();
  await database.drop();
  await client.close();
}
