import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AdminFeed, FeedMessage } from './createAdminFeed.ts';

export type AdminEventsOptions = {
  feed: AdminFeed;
  /** A comment line this often keeps proxies from closing a quiet stream. Default 15,000 ms. */
  heartbeatMs?: number;
};

/** A client this far behind (bytes buffered, unsent) is dropped; its EventSource reconnects. */
const maxBufferedBytes = 4 * 1024 * 1024;

const frame = ({ event, data }: FeedMessage) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * GET /admin/events: the admin feed as server-sent events (text/event-stream). Opens with
 * `hello` (where events come from, the heartbeat), then every feed message; a `: heartbeat`
 * comment every `heartbeatMs`. The client's disconnect unsubscribes it; the app's close ends
 * every stream first (preClose), so shutdown never waits on an open one.
 */
export const adminEventsRoute: FastifyPluginAsyncZod<AdminEventsOptions> = async (app, options) => {
  const { feed } = options;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });
  app.get(
    '/admin/events',
    {
      // Open for as long as a dashboard watches: a replay need not make way for it.
      config: { background: true },
      schema: {
        security: [{ admin: [] }],
        tags: ['admin'],
        summary: 'Live progress as server-sent events',
        description:
          'text/event-stream. Events: hello, rebuild:progress (throttled per version), lag (every few seconds), ' +
          'rebuild:started|waiting|built|caught-up|verified|standby|stopped|failed|error, cutover:done|refused, ' +
          'version:state|retired|parked|released|drift, engine:error, staging:progress|done|failed. ' +
          'Each data line is one JSON document; offsets and counts are decimal strings.',
      },
    },
    (request, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // nginx buffers responses unless told not to
        'x-accel-buffering': 'no',
      });
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        off();
        clearInterval(beat);
        open.delete(end);
        res.end();
      };
      const write = (text: string) => {
        if (ended) return;
        if (res.writableLength > maxBufferedBytes) end();
        else res.write(text);
      };
      // Both exist before anything is written, so `end` may run from the first write on.
      const off = feed.subscribe((message) => write(frame(message)));
      const beat = setInterval(() => write(`: heartbeat ${new Date().toISOString()}\n\n`), heartbeatMs);
      write(`retry: 3000\n\n`);
      write(
        frame({ event: 'hello', data: { source: feed.source, heartbeatMs, at: new Date().toISOString() } }),
      );
      open.add(end);
      request.raw.on('close', end);
      res.on('close', end);
      res.on('error', end);
    },
  );
};
