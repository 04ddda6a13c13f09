import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runStatus } from '../../src/cli/runStatus.ts';
import { createLogger } from '../../src/logger/index.ts';
import { startProjectionist, type Running } from '../../src/main.ts';
import type { ShadowReadEvent } from '../../src/shadow/index.ts';
import { eventually, testEnv } from '../harness/testEnv.ts';
import { useTestDatabase } from '../harness/testServices.ts';
import { appendAll } from '../projections/support/appendAll.ts';
import { customerEvents } from '../rebuild/support/customerEvents.ts';

const token = 'admin-token-for-shadow-tests-0123456789';
const name = 'customer-directory';

type VersionView = {
  version: number;
  activity: string;
  active: boolean;
  shadow: { compared: string; differing: string; errors: string; lastKeys: unknown } | null;
};

describe('shadow reads of a candidate version', () => {
  let r: Running;
  let logLines: string[];
  let reads: ShadowReadEvent[];
  beforeEach(async () => {
    logLines = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    r = await startProjectionist({
      env: testEnv(await useTestDatabase(), undefined, {
        PROJECTIONIST_ADMIN_TOKEN: token,
        PROJECTIONIST_AUTO_REBUILD: 'false',
        PROJECTIONIST_HTTP_PORT: '0',
        PROJECTIONIST_SHADOW_READS: `${name}=100%,order-totals=0%`,
      }),
      logger: createLogger({ level: 'warn', destination }),
      engine: true,
      engineOptions: { pollMs: 200 },
      workers: false,
      reactors: [],
    });
    reads = [];
    r.shadow?.events.on('shadow:read', (e) => reads.push(e));
    await appendAll(r.log, customerEvents({ count: 2_000, customers: 300, seed: 81 }));
    // v1 serves (the first version takes over by itself); v2 is built, caught up, and does not.
    expect((await call('POST', `/admin/projections/${name}/versions/1/rebuild`)).status).toBe(200);
    await waitVersion(1, (v) => v.active);
    expect((await call('POST', `/admin/projections/${name}/versions/2/rebuild`)).status).toBe(200);
    await waitVersion(2, (v) => v.activity === 'ready');
  });
  afterEach(async () => {
    await r.stop();
  });

  const call = async (method: 'GET' | 'POST', url: string) => {
    const res = await r.app!.inject({ method, url, headers: { authorization: `Bearer ${token}` } });
    return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
  };
  const versions = async () => {
    const projections = (await call('GET', '/admin/projections')).body.projections as {
      name: string;
      versions: VersionView[];
    }[];
    return projections.find((p) => p.name === name)?.versions ?? [];
  };
  const waitVersion = (version: number, test: (v: VersionView) => boolean) =>
    eventually(
      async () => {
        const v = (await versions()).find((x) => x.version === version);
        return v !== undefined && test(v) ? v : undefined;
      },
      60_000,
      `v${version}`,
    );
  /** A client's read, answered; then until its shadow read is done (one at a time, none is skipped as busy). */
  const read = async (query: string) => {
    const before = reads.length;
    const res = await r.app!.inject({ method: 'GET', url: `/projections/${name}/customers?${query}` });
    expect(res.statusCode, res.body).toBe(200);
    await shadowed(before + 1);
    return res.json<{ rows: { id: string; email: string }[]; next: string | null }>();
  };
  const shadowed = (count: number) =>
    eventually(
      async () => (reads.length >= count ? reads.slice() : undefined),
      20_000,
      `${count} shadow reads`,
    );

  it('compares every sampled read with the candidate through its mapping and counts zero differences on equal versions', async () => {
    const first = await read('limit=50');
    expect(first.rows).toHaveLength(50);
    const second = await read(`limit=50&after=${first.next ?? ''}`);
    await read(`email=${encodeURIComponent(second.rows[0]?.email ?? '')}`);
    await read(`id=${first.rows[3]?.id ?? ''}`);
    await read('id=no-such-customer');
    const done = await shadowed(5);
    expect(done.map((e) => [e.version, e.against, e.outcome.kind])).toEqual(Array(5).fill([2, 1, 'equal']));

    const v2 = await waitVersion(2, (v) => v.shadow?.compared === '5');
    expect(v2.shadow).toMatchObject({ compared: '5', differing: '0', errors: '0', lastKeys: null });
    const metrics = await r.app!.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain(
      `projectionist_shadow_reads_total{projection="${name}",version="2",outcome="equal"} 5`,
    );
    expect(metrics.body).not.toContain('outcome="differing"');
    expect(logLines.filter((l) => l.includes('shadow read'))).toEqual([]);
  });

  it('counts a planted difference in the candidate, logs its key, and shows it in status and metrics', async () => {
    const page = await read('limit=20');
    const planted = page.rows[7]?.id ?? '';
    await r.pool.query(`update customer_directory__v2.customers set last_name = 'Planted' where id = $1`, [
      planted,
    ]);
    await read(`id=${planted}`);
    await read('limit=20');
    const [pageRead, single, again] = await shadowed(3);
    expect(pageRead?.outcome.kind).toBe('equal');
    expect(single?.outcome).toEqual({ kind: 'differing', keys: [{ id: planted }] });
    expect(again?.outcome).toEqual({ kind: 'differing', keys: [{ id: planted }] });

    const v2 = await waitVersion(2, (v) => v.shadow?.compared === '3');
    expect(v2.shadow).toMatchObject({ compared: '3', differing: '2', lastKeys: [{ id: planted }] });
    const logged = logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'shadow read differs');
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({
      name,
      version: 2,
      against: 1,
      table: 'customers',
      keys: [{ id: planted }],
    });
    const metrics = await r.app!.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain(
      `projectionist_shadow_reads_total{projection="${name}",version="2",outcome="differing"} 2`,
    );

    const printed: string[] = [];
    await runStatus({
      pool: r.pool,
      client: r.log,
      definitions: [],
      json: false,
      follow: false,
      print: (line) => printed.push(line),
    });
    expect(printed.join('\n')).toMatch(/v2 .*shadow reads: 3 compared, 2 differ/);
  });

  it('counts a candidate read that fails as an error, never failing the answer, and starts over after a rebuild from scratch', async () => {
    // v2's mapping joins addresses: without the table, its side of every read fails.
    await r.pool.query('drop table customer_directory__v2.addresses');
    const page = await read('limit=10');
    expect(page.rows).toHaveLength(10);
    expect(reads[0]?.outcome).toMatchObject({ kind: 'error', message: expect.stringContaining('addresses') });
    const v2 = await waitVersion(2, (v) => v.shadow?.errors === '1');
    expect(v2.shadow).toMatchObject({ compared: '0', differing: '0', errors: '1' });

    const rebuilt = await r.app!.inject({
      method: 'POST',
      url: `/admin/projections/${name}/versions/2/rebuild`,
      headers: { authorization: `Bearer ${token}` },
      payload: { fromScratch: true },
    });
    expect(rebuilt.statusCode).toBe(200);
    const again = await waitVersion(2, (v) => v.activity === 'ready' && v.shadow === null);
    expect(again.shadow).toBeNull();
    await read('limit=10');
    expect(reads[1]?.outcome).toEqual({ kind: 'equal' });
  });
});
