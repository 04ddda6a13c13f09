import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { highWatermarks, type LogClient } from '../log/index.ts';
import { listProjections } from '../registry/index.ts';

/** Requests answered, by "method route status"; filled by a root-level hook (see countRequests). */
export type RequestCounts = Map<string, number>;

/** Counts every answered request; added on the root instance so it sees every route. */
export const countRequests = (app: FastifyInstance, requests: RequestCounts): void => {
  app.addHook('onResponse', async (request, reply) => {
    const key = `${request.method} ${request.routeOptions.url ?? 'unmatched'} ${reply.statusCode}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
  });
};

const escape = (v: string) => v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
const labels = (l: Record<string, string | number>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${escape(String(v))}"`)
    .join(',')}}`;

/**
 * GET /metrics in the Prometheus text format. Request counts are kept from fastify's onResponse
 * hook; projection lag and topic ends are read when scraped, so they are never stale.
 */
export const metricsRoutes: FastifyPluginAsync<{
  client: LogClient;
  pool: pg.Pool;
  requests: RequestCounts;
}> = async (app, options) => {
  const { requests } = options;

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const lines: string[] = [];
    const metric = (
      name: string,
      type: 'counter' | 'gauge',
      help: string,
      samples: [Record<string, string | number>, number | bigint][],
    ) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [l, v] of samples) lines.push(`${name}${Object.keys(l).length ? labels(l) : ''} ${v}`);
    };
    metric(
      'projectionist_http_requests_total',
      'counter',
      'HTTP requests answered, by method, route and status.',
      [...requests].map(([key, n]) => {
        const [method = '', route = '', status = ''] = key.split(' ');
        return [{ method, route, status }, n];
      }),
    );
    const hw = await highWatermarks({ client: options.client, topic: options.client.topics.events }).catch(
      () => undefined,
    );
    if (hw !== undefined)
      metric(
        'projectionist_events_high_watermark',
        'gauge',
        'Next offset of the events topic, per partition.',
        [...hw].map(([p, o]) => [{ partition: p }, o]),
      );
    const projections = await listProjections({
      pool: options.pool,
      ...(hw ? { highWatermarks: hw } : {}),
    }).catch(() => []);
    const versions = projections.flatMap((p) => p.versions.map((v) => ({ p, v })));
    metric(
      'projectionist_projection_lag_events',
      'gauge',
      'Events a projection version is behind the events topic.',
      versions
        .filter(({ v }) => v.lag !== null)
        .map(({ p, v }) => [{ projection: p.name, version: v.version }, v.lag ?? 0n]),
    );
    metric(
      'projectionist_projection_active',
      'gauge',
      '1 for the version serving reads.',
      versions.map(({ p, v }) => [
        { projection: p.name, version: v.version, state: v.state.status },
        p.activeVersion === v.version ? 1 : 0,
      ]),
    );
    const memory = process.memoryUsage();
    metric('process_resident_memory_bytes', 'gauge', 'Resident set size.', [[{}, memory.rss]]);
    metric('nodejs_heap_used_bytes', 'gauge', 'V8 heap in use.', [[{}, memory.heapUsed]]);
    return reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
  });
};
