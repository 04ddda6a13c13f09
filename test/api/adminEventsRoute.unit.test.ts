import type { AddressInfo } from 'node:net';
import fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { adminEventsRoute } from '../../src/api/adminEventsRoute.ts';
import type { AdminFeed, FeedMessage } from '../../src/api/createAdminFeed.ts';
import { openEventStream } from './support/eventStream.ts';

/** A feed of the project's own interface, driven by the test: who listens, and what they get. */
const fakeFeed = () => {
  const listeners = new Set<(message: FeedMessage) => void>();
  const feed: AdminFeed = {
    source: 'registry',
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publish: (event, data) => {
      for (const listener of listeners) listener({ event, data });
    },
    close: () => listeners.clear(),
  };
  return { feed, listeners };
};

const serve = async (feed: AdminFeed, heartbeatMs: number) => {
  const app = fastify();
  await app.register(adminEventsRoute, { feed, heartbeatMs });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/admin/events` };
};

describe('adminEventsRoute', () => {
  it('opens with hello, passes feed messages on as events and sends heartbeat comments', async () => {
    const { feed } = fakeFeed();
    const { app, url } = await serve(feed, 50);
    const stream = await openEventStream(url, {});
    try {
      expect(stream.headers.get('cache-control')).toContain('no-cache');
      await stream.waitFor<{ source: string; heartbeatMs: number }>('hello', (h) => h.heartbeatMs === 50);
      feed.publish('cutover:done', { name: 'customer-directory', from: 1, to: 2 });
      const done = await stream.waitFor<{ to: number }>('cutover:done');
      expect(done.data).toEqual({ name: 'customer-directory', from: 1, to: 2 });
      await stream.received.waitFor((e) => 'comment' in e && e.comment.startsWith('heartbeat'), 5_000);
    } finally {
      await stream.close();
      await app.close();
    }
  });

  it('unsubscribes a client that disconnects', async () => {
    const { feed, listeners } = fakeFeed();
    const { app, url } = await serve(feed, 10_000);
    try {
      const stream = await openEventStream(url, {});
      await stream.waitFor('hello');
      expect(listeners.size).toBe(1);
      await stream.close();
      const deadline = Date.now() + 5_000;
      while (listeners.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(listeners.size).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('ends the open streams when the app closes, so shutdown does not wait on them', async () => {
    const { feed, listeners } = fakeFeed();
    const { app, url } = await serve(feed, 10_000);
    const stream = await openEventStream(url, {});
    await stream.waitFor('hello');
    const started = performance.now();
    await app.close();
    await stream.ended;
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(listeners.size).toBe(0);
  });
});
