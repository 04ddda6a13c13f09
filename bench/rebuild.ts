import { fileURLToPath } from 'node:url';
import type { Bench } from './lib/Bench.ts';
import { markdownTable } from './lib/markdownTable.ts';
import { median } from './lib/percentile.ts';
import { produceExampleLog } from './lib/produceExampleLog.ts';
import type { RebuildFigures } from './lib/rebuildRun.ts';
import { runChild } from './lib/runChild.ts';

/** PROJECTIONIST_BENCH_SCALE (default 1) scales the log, e.g. 0.1 for a smoke run, 10 for 10M events. */
const scale = Number(process.env.PROJECTIONIST_BENCH_SCALE ?? '1');
const events = Math.round(1_000_000 * scale);
const projections = ['order-totals', 'customer-directory'] as const;
/**
 * PROJECTIONIST_BENCH_BASELINE: the root of another checkout (the engine before a change), whose
 * engine replays the same log in the same way, for a side-by-side "before" column. Its
 * bench/lib/rebuildRun.ts must exist (copy this one there).
 */
const baseline = process.env.PROJECTIONIST_BENCH_BASELINE;

const script = (root: string | undefined) =>
  root === undefined
    ? fileURLToPath(new URL('./lib/rebuildRun.ts', import.meta.url))
    : `${root.replace(/\/$/, '')}/bench/lib/rebuildRun.ts`;

/** RSS when `share` of the events had been applied (the first sample at or past it). */
const rssAt = (figures: RebuildFigures, share: number) =>
  figures.rss.find((s) => s.events >= share * figures.events)?.mib ?? Number.NaN;

const summarize = (runs: readonly RebuildFigures[]) => {
  const m = (f: (r: RebuildFigures) => number) => median(runs.map(f));
  return {
    perSecond: m((r) => r.perSecond),
    tookS: m((r) => r.tookMs / 1000),
    cpuUsPerEvent: m((r) => (r.cpuMs * 1000) / r.events),
    flushS: m((r) => r.flushMs / 1000),
    flushes: m((r) => r.flushes),
    rssMax: m((r) => Math.max(...r.rss.map((s) => s.mib))),
    rss25: m((r) => rssAt(r, 0.25)),
    rss50: m((r) => rssAt(r, 0.5)),
    rss75: m((r) => rssAt(r, 0.75)),
    rss100: m((r) => rssAt(r, 1)),
    loopP99: m((r) => r.loopDelay?.p99Ms ?? Number.NaN),
    loopMax: m((r) => r.loopDelay?.maxMs ?? Number.NaN),
    skipped: Math.max(...runs.map((r) => r.skipped)),
  };
};

const rows = [
  ['perSecond', 'events replayed per second', '/s', 0],
  ['tookS', 'replay time', 's', 1],
  ['cpuUsPerEvent', 'CPU of the node process per event', 'µs', 1],
  ['flushS', 'sum of flush transaction times', 's', 1],
  ['flushes', 'flushes', '', 0],
  ['rssMax', 'RSS max', 'MiB', 0],
  ['rss25', 'RSS at 25% of the events', 'MiB', 0],
  ['rss50', 'RSS at 50%', 'MiB', 0],
  ['rss75', 'RSS at 75%', 'MiB', 0],
  ['rss100', 'RSS at 100%', 'MiB', 0],
  ['loopP99', 'event-loop delay p99 during the replay', 'ms', 1],
  ['loopMax', 'event-loop delay max during the replay', 'ms', 1],
  ['skipped', 'events skipped (must be 0)', '', 0],
] as const;

/**
 * Rebuild throughput (issue 5): `events` example-domain events (exampleEvents: customers,
 * orders, payments in realistic proportions, keyed by stream id over 6 partitions) are appended
 * once to a fresh topic, then replayed with replayProjection from the real broker into a fresh
 * database, each run in a process of its own, for order-totals v1 (a keyed projection that
 * loads rows once the cache bound evicts) and customer-directory v2 (reads 1 event in 9).
 */
export const rebuildBench: Bench = {
  name: 'rebuild',
  section: 'Rebuild: replay throughput and memory',
  run: async ({ runs }) => {
    process.stdout.write(`rebuild: appending ${events} events\n`);
    const log = await produceExampleLog({
      label: 'rebuild',
      count: events,
      onProgress: (n) => {
        if (n % 200_000 === 0) process.stdout.write(`rebuild: ${n} appended\n`);
      },
    });
    // "thread": the same engine, its replay in a worker thread (as `serve` builds).
    const engines = baseline === undefined ? ['current', 'thread'] : ['before', 'current'];
    const results = new Map<string, RebuildFigures[]>();
    try {
      for (const projection of projections)
        for (let run = 1; run <= runs; run++)
          for (const engine of engines) {
            const figures = await runChild<RebuildFigures>(
              script(engine === 'before' ? baseline : undefined),
              [log.prefix, projection],
              engine === 'thread' ? { PROJECTIONIST_BENCH_REPLAY_THREAD: '1' } : {},
            );
            process.stdout.write(
              `rebuild: ${projection} ${engine} run ${run}: ${Math.round(figures.perSecond)} events/s\n`,
            );
            const key = `${projection}/${engine}`;
            results.set(key, [...(results.get(key) ?? []), figures]);
          }
    } finally {
      await log.drop();
    }
    const columns = projections.flatMap((p) =>
      engines.map((e) => ({ key: `${p}/${e}`, label: `${p} ${e}` })),
    );
    const summaries = columns.map((c) => summarize(results.get(c.key) ?? []));
    const table = markdownTable(
      ['measure', ...columns.map((c) => c.label), 'unit'],
      rows.map(([key, label, unit, digits]) => [
        label,
        ...summaries.map((s) => (Number.isNaN(s[key]) ? 'n/a' : s[key].toFixed(digits))),
        unit,
      ]),
    );
    return [
      `${events} events (${(log.produceMs / 1000).toFixed(1)} s to append with the idempotent Appender, acks=-1,`,
      'batches of 10,000), 6 partitions, one local broker; each replay in a fresh node process and a fresh',
      'database (pool of 4), default batch limits (maxEvents 20,000, maxRows 50,000, keepShare 0.75, replay maxDelayMs 1,000).',
      `Figures are medians of ${runs} run${runs === 1 ? '' : 's'}; RSS sampled every 200 ms.`,
      '"thread" is the same engine with its replay in a worker thread (replayInThread, as `serve` builds; started',
      'inside the measured time), runs interleaved; its CPU and RSS are the whole process, both threads.',
      ...(baseline === undefined
        ? []
        : [
            '"before" is the engine of the checkout in PROJECTIONIST_BENCH_BASELINE, on the same log, runs interleaved.',
          ]),
      '',
      table,
    ].join('\n');
  },
};
