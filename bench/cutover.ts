// Reader stall around a cutover: readers hammer a stable view while reads are switched between
// two built versions again and again; read latency is compared inside and outside the switches.
import pg from 'pg';
import { customerDirectoryV1 } from '../projections/customer-directory/v1.ts';
import { customerDirectoryV2 } from '../projections/customer-directory/v2.ts';
import { activateVersion } from '../src/rebuild/index.ts';
import { migrateRegistry } from '../src/registry/index.ts';
import type { Bench } from './lib/Bench.ts';
import { buildVersion } from './lib/buildVersion.ts';
import { benchDatabase } from './lib/benchDatabase.ts';
import { markdownTable } from './lib/markdownTable.ts';
import { median, percentile } from './lib/percentile.ts';
import { produceExampleLog } from './lib/produceExampleLog.ts';

const scale = Number(process.env.PROJECTIONIST_BENCH_SCALE ?? '1');
const eventCount = Math.max(2_000, Math.round(100_000 * scale));
const readers = 8;
const switches = 20;

type Read = { start: number; ms: number };

export const cutoverBench: Bench = {
  name: 'cutover',
  section: 'Reader stall during a cutover',
  run: async ({ runs }) => {
    const log = await produceExampleLog({ label: 'cutover', count: eventCount });
    const db = await benchDatabase('cutover');
    const pool = new pg.Pool({ connectionString: db.url, max: readers + 4 });
    await migrateRegistry({ pool });
    const results: { around: Read[]; away: Read[]; switchMs: number[] }[] = [];
    try {
      for (const definition of [customerDirectoryV1, customerDirectoryV2]) {
        await buildVersion(log, pool, definition);
      }
      await activateVersion({ pool, projection: 'customer-directory', version: 1, actor: 'bench' });
      const ids = (
        await pool.query<{ id: string }>('select id from customer_directory.customers limit 500')
      ).rows.map((r) => r.id);
      for (let run = 0; run < runs; run++) {
        const reads: Read[] = [];
        const windows: [number, number][] = [];
        const switchMs: number[] = [];
        let stop = false;
        const reader = async (n: number) => {
          for (let i = n; !stop; i++) {
            const start = performance.now();
            await pool.query('select * from customer_directory.customers where id = $1', [
              ids[i % ids.length],
            ]);
            reads.push({ start, ms: performance.now() - start });
          }
        };
        const running = Array.from({ length: readers }, (_, n) => reader(n));
        await new Promise((r) => setTimeout(r, 500));
        for (let s = 0; s < switches; s++) {
          const begin = performance.now();
          await activateVersion({
            pool,
            projection: 'customer-directory',
            version: s % 2 === 0 ? 2 : 1,
            actor: 'bench',
          });
          const end = performance.now();
          switchMs.push(end - begin);
          windows.push([begin, end]);
          await new Promise((r) => setTimeout(r, 200));
        }
        stop = true;
        await Promise.all(running);
        // A read is "around" a switch when it was in flight at any moment of one.
        const around = reads.filter((r) => windows.some(([b, e]) => r.start <= e && r.start + r.ms >= b));
        const away = reads.filter((r) => !around.includes(r));
        results.push({ around, away, switchMs });
        process.stderr.write(
          `cutover: run ${run + 1}: ${reads.length} reads, ${around.length} around the ${switches} switches\n`,
        );
      }
    } finally {
      await pool.end();
      await db.drop();
      await log.drop();
    }
    const stat = (pick: (r: (typeof results)[number]) => number) => median(results.map(pick));
    const ms = (v: number) => v.toFixed(2);
    return [
      `${readers} readers query the stable view \`customer_directory.customers\` by key in a loop while reads are switched between v1 and v2 (${eventCount.toLocaleString('en')} example events built into each) ${switches} times, 200 ms apart; medians over ${results.length} run(s).`,
      '',
      markdownTable(
        ['reads', 'count', 'p50 (ms)', 'p99 (ms)', 'max (ms)'],
        [
          [
            'in flight during a switch',
            String(stat((r) => r.around.length)),
            ms(
              stat((r) =>
                percentile(
                  r.around.map((x) => x.ms),
                  50,
                ),
              ),
            ),
            ms(
              stat((r) =>
                percentile(
                  r.around.map((x) => x.ms),
                  99,
                ),
              ),
            ),
            ms(stat((r) => Math.max(...r.around.map((x) => x.ms)))),
          ],
          [
            'all other reads',
            String(stat((r) => r.away.length)),
            ms(
              stat((r) =>
                percentile(
                  r.away.map((x) => x.ms),
                  50,
                ),
              ),
            ),
            ms(
              stat((r) =>
                percentile(
                  r.away.map((x) => x.ms),
                  99,
                ),
              ),
            ),
            ms(stat((r) => Math.max(...r.away.map((x) => x.ms)))),
          ],
        ],
      ),
      '',
      `Switch (one transaction repointing the views, with its audit row): median ${ms(stat((r) => median(r.switchMs)))} ms, max ${ms(stat((r) => Math.max(...r.switchMs)))} ms.`,
    ].join('\n');
  },
};
