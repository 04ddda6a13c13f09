import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerDirectoryV1 } from '../../projections/customer-directory/v1.ts';
import { customerDirectoryV2 } from '../../projections/customer-directory/v2.ts';
import { isProjectionistError } from '../../src/errors/index.ts';
import { type LockBlocker, cutover, requestRebuild, rollback } from '../../src/rebuild/index.ts';
import { appendAll } from '../projections/support/appendAll.ts';
import { customerEvents } from './support/customerEvents.ts';
import { registrySnapshot } from './support/registrySnapshot.ts';
import { openTestBed, type TestBed } from './support/testBed.ts';

const name = 'customer-directory';
const definitions = [customerDirectoryV1, customerDirectoryV2];
/** Every row of a table, in key order, as one md5: equal sums, equal contents. */
const checksum = (relation: string) =>
  `select md5(coalesce(string_agg(t::text, E'\\n' order by t.id), '')) as sum from ${relation} t`;

type Read = { startedAt: number; endedAt: number; version: number | 'error' | 'unknown'; detail?: string };

describe('cutover under reads', () => {
  let bed: TestBed;
  let sums: Map<string, number>;
  beforeEach(async () => {
    bed = await openTestBed('reads');
    const { pool, client } = bed;
    await appendAll(client, customerEvents({ count: 4_000, customers: 1_000, seed: 51 }));
    const { waitFor } = await bed.startEngine({ definitions, autoRebuild: false });
    await requestRebuild({ pool, name, version: 1 });
    await waitFor('cutover:done', (e) => e.to === 1);
    await requestRebuild({ pool, name, version: 2 });
    await waitFor('rebuild:caught-up', (e) => e.version === 2);
    sums = new Map();
    for (const version of [1, 2]) {
      const result = await pool.query<{ sum: string }>(checksum(`customer_directory__v${version}.customers`));
      sums.set(result.rows[0]?.sum ?? '', version);
    }
    expect(sums.size).toBe(2);
  });
  afterEach(async () => {
    await bed.close();
  });

  /** Readers of the stable view, each on its own connection, until stopped; every read is kept. */
  const startReaders = async (count: number, transactional: boolean) => {
    const clients = await Promise.all(
      Array.from({ length: count }, async () => {
        const reader = new pg.Client({ connectionString: bed.databaseUrl });
        await reader.connect();
        return reader;
      }),
    );
    const reads: Read[] = [];
    let stop = false;
    const classify = (sum: string | undefined) =>
      sum === undefined ? 'unknown' : (sums.get(sum) ?? 'unknown');
    const loops = clients.map(async (reader) => {
      while (!stop) {
        const startedAt = performance.now();
        try {
          if (transactional) {
            // one transaction reading twice must see one version both times
            await reader.query('begin');
            const first = await reader.query<{ sum: string }>(checksum('customer_directory.customers'));
            const second = await reader.query<{ sum: string }>(checksum('customer_directory.customers'));
            await reader.query('commit');
            const a = classify(first.rows[0]?.sum);
            const b = classify(second.rows[0]?.sum);
            reads.push({ startedAt, endedAt: performance.now(), version: a === b ? a : 'unknown' });
          } else {
            const result = await reader.query<{ sum: string }>(checksum('customer_directory.customers'));
            reads.push({ startedAt, endedAt: performance.now(), version: classify(result.rows[0]?.sum) });
          }
        } catch (error) {
          reads.push({ startedAt, endedAt: performance.now(), version: 'error', detail: String(error) });
          await reader.query('rollback').catch(() => undefined);
        }
      }
    });
    return {
      reads,
      stop: async () => {
        stop = true;
        await Promise.all(loops);
        await Promise.all(clients.map((c) => c.end()));
      },
    };
  };

  it('never fails a read or shows a mix of versions while the views change hands again and again', async () => {
    const { pool, client } = bed;
    const single = await startReaders(3, false);
    const paired = await startReaders(2, true);
    const switches: { version: number; doneAt: number; startedAt: number }[] = [];
    try {
      await new Promise((r) => setTimeout(r, 200));
      for (let round = 0; round < 3; round++) {
        let startedAt = performance.now();
        await cutover({ pool, client, definitions, name, version: 2, actor: 'ops' });
        switches.push({ version: 2, startedAt, doneAt: performance.now() });
        await new Promise((r) => setTimeout(r, 150));
        startedAt = performance.now();
        await rollback({ pool, client, definitions, name, actor: 'ops' });
        switches.push({ version: 1, startedAt, doneAt: performance.now() });
        await new Promise((r) => setTimeout(r, 150));
      }
    } finally {
      await single.stop();
      await paired.stop();
    }
    const reads = [...single.reads, ...paired.reads];
    expect(reads.filter((r) => r.version === 'error')).toEqual([]);
    expect(reads.filter((r) => r.version === 'unknown')).toEqual([]);
    expect(new Set(reads.map((r) => r.version))).toEqual(new Set([1, 2]));
    // a read that began after a switch returned, and ended before the next began, saw that switch
    for (const [i, s] of switches.entries()) {
      const nextStart = switches[i + 1]?.startedAt ?? Infinity;
      const after = reads.filter((r) => r.startedAt > s.doneAt && r.endedAt < nextStart);
      expect(after.length).toBeGreaterThan(0);
      expect(after.every((r) => r.version === s.version)).toBe(true);
    }
    expect(reads.length).toBeGreaterThan(50);
  });

  it('gives up cleanly naming a long reader that blocks it, never stalls other readers past the lock timeout, and succeeds once it commits', async () => {
    const { pool, client } = bed;
    const long = new pg.Client({ connectionString: bed.databaseUrl, application_name: 'monthly-report' });
    await long.connect();
    const readers = await startReaders(3, false);
    try {
      const pid = (await long.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
      await long.query('begin');
      await long.query('select count(*) from customer_directory.customers');
      await new Promise((r) => setTimeout(r, 300));
      const before = await registrySnapshot(pool, name);

      const lockTimeoutMs = 100;
      const cutoverToV2 = (maxWaitMs?: number) =>
        cutover({ pool, client, definitions, name, version: 2, actor: 'ops', lockTimeoutMs, maxWaitMs });
      const startedAt = performance.now();
      const error = await cutoverToV2(2_000).catch((e: unknown) => e);
      const endedAt = performance.now();
      expect(isProjectionistError(error, 'PRJ_CUTOVER_BLOCKED')).toBe(true);
      const details = (error as { details: { attempts: number; waitedMs: number; blockers: LockBlocker[] } })
        .details;
      expect(details.attempts).toBeGreaterThanOrEqual(4);
      expect(details.waitedMs).toBeLessThanOrEqual(2_000 + lockTimeoutMs);
      expect(endedAt - startedAt).toBeLessThan(4_000);
      // The long reader is named; a reader of the test's own that was mid-read when the lock timed
      // out may be named beside it (a loaded CI run saw two), never in its place.
      const blocker = details.blockers.find((b) => b.pid === pid);
      expect(details.blockers.length).toBeGreaterThanOrEqual(1);
      expect(blocker).toMatchObject({
        pid,
        application: 'monthly-report',
        state: 'idle in transaction',
        query: 'select count(*) from customer_directory.customers',
      });
      expect(blocker?.xactAgeMs).toBeGreaterThanOrEqual(300);
      expect(blocker?.locks).toContain('customer_directory.customers AccessShareLock');
      expect((error as Error).message).toMatch(
        new RegExp(
          `blocked by pid ${pid} \\(idle in transaction, transaction open \\d+ ms, last query: select count`,
        ),
      );
      expect(await registrySnapshot(pool, name)).toEqual(before);

      // the other readers waited behind the cutover's lock request at most about lock_timeout
      const during = readers.reads.filter((r) => r.endedAt > startedAt && r.startedAt < endedAt);
      const latencies = during.map((r) => r.endedAt - r.startedAt).sort((a, b) => a - b);
      const worst = latencies.at(-1) ?? 0;
      console.log(
        `blocked cutover: ${details.attempts} attempts in ${details.waitedMs} ms; ${during.length} reads meanwhile, ` +
          `p50 ${latencies[Math.floor(latencies.length / 2)]?.toFixed(1)} ms, max ${worst.toFixed(1)} ms`,
      );
      expect(during.length).toBeGreaterThan(details.attempts);
      expect(during.filter((r) => r.version === 'error')).toEqual([]);
      expect(worst).toBeLessThan(lockTimeoutMs + 150);

      await long.query('commit');
      const done = await cutoverToV2();
      expect(done).toMatchObject({ from: 1, to: 2 });
    } finally {
      await readers.stop();
      await long.end();
    }
    expect(readers.reads.filter((r) => r.version === 'error' || r.version === 'unknown')).toEqual([]);
  });
});
