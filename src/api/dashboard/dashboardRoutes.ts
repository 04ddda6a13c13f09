import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';

/** uPlot's browser build and styles, from node_modules (installed from the npm registry; no CDN). */
const uplotDist = dirname(fileURLToPath(import.meta.resolve('uplot')));

/** Every file the dashboard serves, by name; nothing else is read from disk, so no path can escape. */
const assets = {
  'dashboard.js': { file: join(import.meta.dirname, 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
  'dashboard.css': { file: join(import.meta.dirname, 'dashboard.css'), type: 'text/css; charset=utf-8' },
  'uPlot.iife.min.js': { file: join(uplotDist, 'uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  'uPlot.min.css': { file: join(uplotDist, 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
} as const;

// Scripts and styles from this origin only; calls to this origin only; no framing.
const policy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * GET /dashboard: the operator's page, plain HTML and a script, with uPlot for the chart. The
 * shell and its assets are public and hold no data: the page asks for the admin token, keeps it
 * in the tab's sessionStorage and sends it as a bearer header on every admin call and on the
 * live stream, which it reads with fetch (an EventSource cannot send a header, and a token in a
 * URL lands in access logs and browser history). Files are read once, at registration.
 */
export const dashboardRoutes: FastifyPluginAsync = async (app) => {
  const page = await readFile(join(import.meta.dirname, 'index.html'));
  const loaded = new Map<string, { body: Buffer; type: string }>();
  for (const [name, { file, type }] of Object.entries(assets))
    loaded.set(name, { body: await readFile(file), type });
  const headers = {
    'content-security-policy': policy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  for (const url of ['/dashboard', '/dashboard/'])
    app.get(url, { schema: { hide: true } }, (_request, reply) =>
      reply
        .headers({ ...headers, 'cache-control': 'no-cache' })
        .type('text/html; charset=utf-8')
        .send(page),
    );
  app.get<{ Params: { asset: string } }>(
    '/dashboard/assets/:asset',
    { schema: { hide: true } },
    async (request, reply) => {
      const asset = loaded.get(request.params.asset);
      if (asset === undefined) return reply.callNotFound();
      return reply
        .headers({ ...headers, 'cache-control': 'public, max-age=300' })
        .type(asset.type)
        .send(asset.body);
    },
  );
};
