import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startProjectionist, type Running } from '../../src/main.ts';
import { testEnv } from '../harness/testEnv.ts';
import { useTestDatabase } from '../harness/testServices.ts';
import { appendAll } from '../projections/support/appendAll.ts';
import { customerEvents } from '../rebuild/support/customerEvents.ts';
import { openEventStream } from './support/eventStream.ts';
import { startOperated } from './support/startOperated.ts';
import { highWatermarks, offsetDistance } from '../../src/log/index.ts';

const token = 'admin-token-for-event-tests-0123456789';
const auth = { authorization: `Bearer ${token}` };
const name = 'customer-directory';
const count = 100_000;

type Progress = {
  name: string;
  version: number;
  applied: string;
  target: string;
  rate: number;
  etaMs: number | null;
  partitions: { partition: number; position: string; target: string | null; remaining: string | null }[];
  at: string;
};
type Lag = {
  versions: {
    name: string;
    version: number;
    lag: string;
    partitions: { partition: number; lag: string }[];
  }[];
};

describe('GET /admin/events', () => {
  let r: Running;
  let base: string;
  // One Projectionist per test, started and stopped around it (the leak check counts its connections).
  beforeEach(async () => {
    ({ running: r, base } = await startOperated({ token, maxEvents: 1_000 }));
  });
  afterEach(async () => {
    await r.stop();
  });

  it('refuses a client without the token, or with a wrong one', async () => {
    const anonymous = await r.app!.inject({ method: 'GET', url: '/admin/events' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json<{ code: string }>().code).toBe('PRJ_UNAUTHORIZED');
    const wrong = await r.app!.inject({
      method: 'GET',
      url: '/admin/events',
      headers: { authorization: `Bearer ${token}x` },
    });
    expect(wrong.statusCode).toBe(401);
  });

  it('streams the progress of a real rebuild, its state changes and its cutover, from the engine', async () => {
    await appendAll(r.log, customerEvents({ count, customers: 5_000, seed: 5 }));
    const total = offsetDistance(
      new Map(),
      await highWatermarks({ client: r.log, topic: r.log.topics.events }),
    );
    const stream = await openEventStream(`${base}/admin/events`, auth);
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const hello = await stream.waitFor<{ source: string }>('hello');
      expect(hello.data.source).toBe('engine');

      const asked = await r.app!.inject({
        method: 'POST',
        url: `/admin/projections/${name}/versions/1/rebuild`,
        headers: auth,
      });
      expect(asked.statusCode).toBe(200);
      const isV1 = (e: { name: string; version: number }) => e.name === name && e.version === 1;
      await stream.waitFor('rebuild:started', isV1);
      await stream.waitFor('rebuild:built', isV1);
      await stream.waitFor<{ to: number }>('cutover:done', (e) => e.to === 1);
      await stream.waitFor<{ name: string; version: number; to: string }>(
        'version:state',
        (e) => isV1(e) && e.to === 'live',
      );

      // the build's last progress came before its end (none follows it)
      const builtAt = stream.received.items.findIndex((e) => 'event' in e && e.event === 'rebuild:built');
      const lastProgressAt = stream.received.items.findLastIndex(
        (e) => 'event' in e && e.event === 'rebuild:progress',
      );
      expect(lastProgressAt).toBeLessThan(builtAt);
      const progress = stream.events<Progress>('rebuild:progress').filter(isV1);
      // at most 4 a second per version (the last one, sent at the build's end, may come sooner),
      // by the server's stamps: a client that was busy reads two at once (a loaded CI run did)
      // A run that ends (built, or stopped and started again by the engine) sends its pending
      // progress at once: such a progress may come sooner too.
      const v1Events = stream.received.items.flatMap((e) =>
        'event' in e &&
        typeof e.data === 'object' &&
        e.data !== null &&
        isV1(e.data as { name: string; version: number })
          ? [e]
          : [],
      );
      const endsRun = (p: Progress) => {
        const at = v1Events.findIndex((e) => e.data === p);
        const next = v1Events[at + 1];
        return (
          next !== undefined && ['rebuild:built', 'rebuild:stopped', 'rebuild:failed'].includes(next.event)
        );
      };
      const madeAt = progress.map((p) => Date.parse(p.at));
      for (let i = 1; i < madeAt.length - 1; i++)
        if (!endsRun(progress[i]!))
          expect(madeAt[i]! - madeAt[i - 1]!, `progress ${i}`).toBeGreaterThanOrEqual(240);
      // seen moving: many steps, each further than the one before, up to the target
      expect(progress.length).toBeGreaterThanOrEqual(3);
      const applied = progress.map((p) => BigInt(p.applied));
      for (let i = 1; i < applied.length; i++) expect(applied[i]! >= applied[i - 1]!).toBe(true);
      expect(applied[0]! < applied.at(-1)!).toBe(true);
      const last = progress.at(-1)!;
      expect(last.target).toBe(total.toString());
      expect(last.applied).toBe(total.toString());
      expect(last.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
      expect(last.partitions.reduce((a, p) => a + BigInt(p.target ?? '0'), 0n)).toBe(total);
      expect(progress.some((p) => p.rate > 0 && p.etaMs !== null)).toBe(true);

      // lag snapshots cover every version, per partition; v1 reaches 0 once caught up
      const lag = await stream.waitFor<Lag>('lag', (l) => l.versions.some((v) => isV1(v) && v.lag === '0'));
      const v1 = lag.data.versions.find(isV1)!;
      expect(v1.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
      const v2 = lag.data.versions.find((v) => v.name === name && v.version === 2)!;
      expect(BigInt(v2.lag)).toBe(total);
    } finally {
      await stream.close();
    }
  });
});

describe('GET /admin/events in a process that runs no engine', () => {
  it('reports progress, state changes and cutovers made by another process, from the registry', async () => {
    const env = testEnv(await useTestDatabase(), undefined, {
      PROJECTIONIST_ADMIN_TOKEN: token,
      PROJECTIONIST_AUTO_REBUILD: 'false',
      PROJECTIONIST_HTTP_PORT: '0',
    });
    // an API-only instance, and an engine instance without HTTP, on one database and one log
    const api = await startProjectionist({ env, workers: false, adminFeed: { pollMs: 200 } });
    const engine = await startProjectionist({
      env,
      engine: true,
      engineOptions: { pollMs: 200, limits: { maxEvents: 1_000 } },
      workers: false,
      http: false,
      reactors: [],
    });
    try {
      await appendAll(engine.log, customerEvents({ count: 100_000, customers: 5_000, seed: 6 }));
      const port = (api.app!.server.address() as AddressInfo).port;
      const stream = await openEventStream(`http://127.0.0.1:${port}/admin/events`, auth);
      try {
        expect((await stream.waitFor<{ source: string }>('hello')).data.source).toBe('registry');
        // the registry poll primes itself first: what changes after that is reported
        await stream.waitFor('lag');
        const asked = await api.app!.inject({
          method: 'POST',
          url: `/admin/projections/${name}/versions/1/rebuild`,
          headers: auth,
        });
        expect(asked.statusCode).toBe(200);
        const isV1 = (e: { name: string; version: number }) => e.name === name && e.version === 1;
        await stream.waitFor<{ to: number; actor: string }>('cutover:done', (e) => e.to === 1, 90_000);
        await stream.waitFor<{ name: string; version: number; to: string }>(
          'version:state',
          (e) => isV1(e) && e.to === 'live',
        );
        const progress = stream.events<Progress>('rebuild:progress').filter(isV1);
        // polled every 200 ms: the build is seen moving, up to its target
        expect(progress.length).toBeGreaterThanOrEqual(2);
        const last = progress.at(-1)!;
        expect(BigInt(progress[0]!.applied)).toBeLessThan(BigInt(last.applied));
        expect(BigInt(last.target)).toBeGreaterThan(0n);
      } finally {
        await stream.close();
      }
    } finally {
      await engine.stop();
      await api.stop();
    }
  });
});
