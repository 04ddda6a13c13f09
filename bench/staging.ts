// Staging refresh throughput next to a plain rebuild of the same projections from the same
// log, in one run: the refresh pays for the PII filter (HMACs, fakes, re-validation) on top.
import pg from 'pg';
import { contractRegistry } from '../events/index.ts';
import { customerDirectoryV2 } from '../projections/customer-directory/v2.ts';
import { orderTotalsV1 } from '../projections/order-totals/v1.ts';
import { activateVersion } from '../src/rebuild/index.ts';
import { migrateRegistry } from '../src/registry/index.ts';
import { type ProjectionDefinition } from '../src/definitions/index.ts';
import { refreshStaging } from '../src/staging/index.ts';
import type { Bench } from './lib/Bench.ts';
import { buildVersion } from './lib/buildVersion.ts';
import { benchDatabase } from './lib/benchDatabase.ts';
import { markdownTable } from './lib/markdownTable.ts';
import { median } from './lib/percentile.ts';
import { produceExampleLog, type ExampleLog } from './lib/produceExampleLog.ts';

const scale = Number(process.env.PROJECTIONIST_BENCH_SCALE ?? '1');
const eventCount = Math.max(1_000, Math.round(300_000 * scale));
const key = 'bench-staging-key-0123456789abcdef-0123456789';
const definitions: readonly ProjectionDefinition[] = [customerDirectoryV2, orderTotalsV1];

/** Rebuilds every definition into `pool` as a production deployment would, and activates it. */
const rebuild = async (log: ExampleLog, pool: pg.Pool): Promise<number> => {
  const started = performance.now();
  for (const definition of definitions) {
    await buildVersion(log, pool, definition);
    await activateVersion({ pool, projection: definition.name, version: definition.version, actor: 'bench' });
  }
  return performance.now() - started;
};

export const stagingBench: Bench = {
  name: 'staging',
  section: 'Staging refresh vs rebuild',
  run: async ({ runs }) => {
    process.stderr.write(`staging: producing ${eventCount} example events...\n`);
    const log = await produceExampleLog({ label: 'staging', count: eventCount });
    const rebuildMs: number[] = [];
    const refreshMs: number[] = [];
    try {
      for (let run = 1; run <= runs; run++) {
        const production = await benchDatabase('prod');
        const staging = await benchDatabase('stg');
        const prodPool = new pg.Pool({ connectionString: production.url, max: 4 });
        const stagingPool = new pg.Pool({ connectionString: staging.url, max: 4 });
        try {
          // What a production deployment does at start-up; the refresh migrates staging itself.
          await migrateRegistry({ pool: prodPool });
          rebuildMs.push(await rebuild(log, prodPool));
          const started = performance.now();
          await refreshStaging({
            production: prodPool,
            staging: stagingPool,
            client: log.client,
            registry: contractRegistry,
            definitions,
            key,
          });
          refreshMs.push(performance.now() - started);
          process.stderr.write(
            `staging: run ${run}: rebuild ${rebuildMs.at(-1)?.toFixed(0)} ms, refresh ${refreshMs.at(-1)?.toFixed(0)} ms\n`,
          );
        } finally {
          await prodPool.end();
          await stagingPool.end();
          await production.drop();
          await staging.drop();
        }
      }
    } finally {
      await log.drop();
    }
    const rate = (ms: number) => Math.round((eventCount * definitions.length) / (ms / 1000));
    const [rebuildMedian, refreshMedian] = [median(rebuildMs), median(refreshMs)];
    return [
      `${eventCount.toLocaleString('en')} example-domain events on 6 partitions, replayed into ${definitions.map((d) => `${d.name} v${d.version}`).join(' and ')} (one replay per projection, as both paths do). Rate = events × projections / wall time.`,
      '',
      markdownTable(
        ['path', 'median wall time (ms)', 'events/s (median)', 'runs (ms)'],
        [
          [
            'plain rebuild',
            rebuildMedian.toFixed(0),
            rate(rebuildMedian).toLocaleString('en'),
            rebuildMs.map((m) => m.toFixed(0)).join(', '),
          ],
          [
            'staging refresh (filter + rebuild)',
            refreshMedian.toFixed(0),
            rate(refreshMedian).toLocaleString('en'),
            refreshMs.map((m) => m.toFixed(0)).join(', '),
          ],
        ],
      ),
      '',
      `Staging refresh speed relative to rebuild: **${((rebuildMedian / refreshMedian) * 100).toFixed(0)}%** (goal ≥ 70%).`,
    ].join('\n');
  },
};
