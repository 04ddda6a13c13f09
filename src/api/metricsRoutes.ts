import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import type { LogClient } from '../log/index.ts';
import type { Metrics } from '../metrics/index.ts';

/** Times every answered request by route pattern; added on the root instance so it sees every route. */
export const timeRequests = (app: FastifyInstance, metrics: Metrics): void => {
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest({
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
    });
  });
};

/**
 * GET /metrics: the process's registry in the Prometheus text format (see createMetrics); the
 * gauges of positions read through the HTTP read pool when scraped.
 */
export const metricsRoutes: FastifyPluginAsync<{
  metrics: Metrics;
  pool: pg.Pool;
  client: LogClient;
}> = async (app, options) => {
  options.metrics.observePositions({ pool: options.pool, client: options.client });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const { contentType, text } = await options.metrics.scrape();
    return reply.type(contentType).send(text);
  });
};
