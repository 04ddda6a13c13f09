import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { contractRegistry } from '../events/index.ts';
import { customerDirectoryV2 } from '../projections/customer-directory/v2.ts';
import { orderTotalsV1 } from '../projections/order-totals/v1.ts';
import { Appender, highWatermarks, type Envelope, type OffsetVector } from '../src/log/index.ts';
import { activateVersion } from '../src/rebuild/index.ts';
import { contractsDecoder, Projector } from '../src/projections/index.ts';
import { migrateRegistry } from '../src/registry/index.ts';
import { stableSchemaName } from '../src/definitions/index.ts';
import type { Bench } from './lib/Bench.ts';
import { exampleEvents } from './lib/exampleEvents.ts';
import { benchDatabase } from './lib/benchDatabase.ts';
import { markdownTable } from './lib/markdownTable.ts';
import { median, percentile } from './lib/percentile.ts';
import { produceExampleLog } from './lib/produceExampleLog.ts';

/** PROJECTIONIST_BENCH_SCALE (default 1) scales how long each load lasts. */
const scale = Number(process.env.PROJECTIONIST_BENCH_SCALE ?? '1');
const loads = [
  { perSecond: 2_000, seconds: 15 * scale },
  { perSecond: 10_000, seconds: 15 * scale },
] as const;
const tickMs = 20;
/** One OrderPlaced in this many is followed to its row in the stable view. */
const probeEvery = 5;

type LoadFigures = {
  readonly appendedPerSecond: number;
  /** Per projection: records processed per second from the first append until it reached the end. */
  readonly applied: Record<string, number>;
  readonly lag50: number;
  readonly lag99: number;
  readonly lagMax: number;
  readonly probes: number;
  readonly unseen: number;
};

const sum = (v: OffsetVector) => [...v.values()].reduce((a, b) => a + b, 0n);

const measureOnce = async (run: number): Promise<LoadFigures[]> => {
  const log = await produceExampleLog({ label: `live${run}`, count: 0 });
  const database = await benchDatabase('live');
  const pool = new pg.Pool({ connectionString: database.url, max: 10 });
  await migrateRegistry({ pool });
  const decode = contractsDecoder(contractRegistry);
  const projectors = [orderTotalsV1, customerDirectoryV2].map(
    (definition) => new Projector({ pool, client: log.client, definition, decode }),
  );
  const appender = await new Appender(log.client).connect();
  /** Per projection, the records it has processed and when it last moved. */
  const progress = new Map<string, { positions: OffsetVector; at: number }>();
  try {
    const caughtUp = projectors.map(
      (p) => new Promise<void>((resolve) => p.events.on('projector:caught-up', () => resolve())),
    );
    for (const p of projectors) {
      p.events.on('projector:batch', (b) =>
        progress.set(b.name, { positions: b.positions, at: performance.now() }),
      );
      await p.start();
    }
    await Promise.all(caughtUp);
    for (const definition of [orderTotalsV1, customerDirectoryV2])
      await activateVersion({
        pool,
        projection: definition.name,
        version: definition.version,
        actor: 'bench',
      });

    const figures: LoadFigures[] = [];
    let seed = 1;
    for (const load of loads) {
      const count = Math.round(load.perSecond * load.seconds);
      const events = exampleEvents({ count, tag: `l${run}-${seed}`, seed: seed++ });
      const from = await highWatermarks({ client: log.client, topic: log.client.topics.events });
      const probes = new Map<string, { sentAt: number; seenAt?: number }>();
      let stopPolling = false;
      let deadline = Number.POSITIVE_INFINITY;
      const polling = (async () => {
        while (!stopPolling || [...probes.values()].some((p) => p.seenAt === undefined)) {
          const waiting = [...probes].filter(([, p]) => p.seenAt === undefined).map(([id]) => id);
          if (waiting.length > 0) {
            const seen = await pool.query<{ order_id: string }>(
              `select order_id from ${stableSchemaName(orderTotalsV1.name)}.orders where order_id = any($1)`,
              [waiting],
            );
            const at = performance.now();
            for (const row of seen.rows) {
              const probe = probes.get(row.order_id);
              if (probe !== undefined) probe.seenAt = at;
            }
          }
          if (stopPolling && performance.now() > deadline) break;
          await sleep(5);
        }
      })();
      const started = performance.now();
      let placed = 0;
      let appended = 0;
      for (let tick = 0; appended < count; tick++) {
        const wait = started + tick * tickMs - performance.now();
        if (wait > 1) await sleep(wait);
        const due = Math.min(count, Math.round(((tick + 1) * tickMs * load.perSecond) / 1000));
        const batch: Envelope[] = [];
        const sentAt = performance.now();
        while (appended < due) {
          const next = events.next();
          if (next.done === true) break;
          batch.push(next.value);
          appended++;
          if (next.value.type === 'OrderPlaced' && placed++ % probeEvery === 0)
            probes.set(next.value.streamId, { sentAt });
        }
        if (batch.length > 0) await appender.append(batch);
      }
      const appendedAt = performance.now();
      const end = await highWatermarks({ client: log.client, topic: log.client.topics.events });
      const target = sum(end);
      const applied: Record<string, number> = {};
      for (const definition of [orderTotalsV1, customerDirectoryV2]) {
        const limit = performance.now() + 120_000;
        while (
          sum(progress.get(definition.name)?.positions ?? new Map()) < target &&
          performance.now() < limit
        )
          await sleep(10);
        const reached = progress.get(definition.name)?.at ?? Number.NaN;
        applied[definition.name] = Number(target - sum(from)) / ((reached - started) / 1000);
      }
      deadline = performance.now() + 10_000;
      stopPolling = true;
      await polling;
      const lags = [...probes.values()].flatMap((p) => (p.seenAt === undefined ? [] : [p.seenAt - p.sentAt]));
      figures.push({
        appendedPerSecond: count / ((appendedAt - started) / 1000),
        applied,
        lag50: percentile(lags, 50),
        lag99: percentile(lags, 99),
        lagMax: percentile(lags, 100),
        probes: probes.size,
        unseen: probes.size - lags.length,
      });
    }
    return figures;
  } finally {
    for (const p of projectors) await p.stop();
    await appender.close();
    await pool.end();
    await database.drop();
    await log.drop();
  }
};

const format = (value: number, digits = 0) => (Number.isNaN(value) ? 'n/a' : value.toFixed(digits));

/**
 * Live projection (issue 4): the real Projector on order-totals v1 and customer-directory v2,
 * both caught up on an empty log and active, while example-domain events are appended at a
 * steady rate (every 20 ms, the events due by then, one idempotent append). Reported: append
 * rate reached, per projection the events processed per second while tailing (from the first
 * append to reaching the end), and for order-totals the lag from the append call of an
 * OrderPlaced to its row being visible through the stable view order_totals.orders.
 */
export const projectionsBench: Bench = {
  name: 'projections',
  section: 'Projections: live tailing throughput and lag to the stable view',
  run: async ({ runs }) => {
    const results: LoadFigures[][] = [];
    for (let run = 1; run <= runs; run++) {
      process.stdout.write(`projections: run ${run} of ${runs}\n`);
      results.push(await measureOnce(run));
    }
    const med = (i: number, f: (l: LoadFigures) => number) =>
      median(results.map((r) => (r[i] === undefined ? Number.NaN : f(r[i]))));
    const table = markdownTable(
      ['measure', ...loads.map((l) => `steady ${l.perSecond}/s, ${l.seconds} s`), 'unit'],
      [
        ['events appended per second', (l: LoadFigures) => l.appendedPerSecond, '/s', 0],
        [
          'order-totals: events processed per second',
          (l: LoadFigures) => l.applied['order-totals'] ?? NaN,
          '/s',
          0,
        ],
        [
          'customer-directory v2: events processed per second',
          (l: LoadFigures) => l.applied['customer-directory'] ?? NaN,
          '/s',
          0,
        ],
        ['append to row visible in the stable view, p50', (l: LoadFigures) => l.lag50, 'ms', 1],
        ['append to row visible in the stable view, p99', (l: LoadFigures) => l.lag99, 'ms', 1],
        ['append to row visible in the stable view, max', (l: LoadFigures) => l.lagMax, 'ms', 1],
        ['probes (OrderPlaced followed)', (l: LoadFigures) => l.probes, '', 0],
        ['probes never seen (must be 0)', (l: LoadFigures) => l.unseen, '', 0],
      ].map(([label, f, unit, digits]) => [
        label as string,
        ...loads.map((_, i) => format(med(i, f as (l: LoadFigures) => number), digits as number)),
        unit as string,
      ]),
    );
    return [
      'Each run: a fresh topic (6 partitions) and database (pool of 10); two Projectors (default limits:',
      'maxDelayMs 100) caught up on the empty log and made active; then each steady load in turn. The load',
      'runs in the same process as the projectors (as an API intake would). The lag is from the start',
      `of the append call that carried an OrderPlaced (one in ${probeEvery} followed) to the first poll (every 5 ms) that`,
      `finds its row through the stable view. Medians of ${runs} run${runs === 1 ? '' : 's'}.`,
      '',
      table,
    ].join('\n');
  },
};
