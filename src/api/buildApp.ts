import fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from '../logger/index.ts';
import { foreground } from '../projections/index.ts';
import { commandRoutes, type CommandRoutesOptions } from './commandRoutes.ts';
import { healthRoutes, type Readiness } from './healthRoutes.ts';
import { adminRoutes, type AdminRoutesOptions } from './adminRoutes.ts';
import { dashboardRoutes } from './dashboard/dashboardRoutes.ts';
import type { Metrics } from '../metrics/index.ts';
import { metricsRoutes, timeRequests } from './metricsRoutes.ts';
import { projectionRoutes, type ProjectionRoutesOptions } from './projectionRoutes.ts';
import { drainOversizedBodies } from './drainOversizedBodies.ts';
import { problemHandler, problemOf, sendProblem } from './problem.ts';

export type AppOptions = {
  logger: Logger;
  bodyLimit: number;
  commands: CommandRoutesOptions;
  projections: ProjectionRoutesOptions;
  admin: AdminRoutesOptions;
  readiness: Readiness;
  /** The process's metrics (GET /metrics); every answered request is timed into it. */
  metrics: Metrics;
};

/**
 * The HTTP app, built apart from listen() so tests drive it with inject(). Every error answers
 * an RFC 9457 problem document; anything a client sent wrong is a 4xx, never a 5xx.
 */
export type App = FastifyInstance<RawServerDefault, never, never, FastifyBaseLogger, ZodTypeProvider>;

export const buildApp = async (options: AppOptions): Promise<App> => {
  const app = fastify({
    loggerInstance: options.logger.child({ scope: 'api' }),
    bodyLimit: options.bodyLimit,
    // A body that tries prototype pollution loses those keys instead of being refused as "not JSON".
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
    // A URL fastify cannot decode (%80, a lone %ED%A0%80) is refused before any route or error
    // handler runs; answered here so that it too is a problem document.
    frameworkErrors: (error, request, reply) => {
      void sendProblem(
        reply,
        problemOf('PRJ_VALIDATION', `the request URL cannot be read: ${error.message}`, {
          instance: request.url,
        }),
      );
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  timeRequests(app as unknown as FastifyInstance, options.metrics);
  // A replay in this process makes way while a request is open (a stream that stays open, such
  // as the live feed, says so with `config: { background: true }` and does not count).
  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config as { background?: boolean } | undefined;
    if (config?.background !== true) reply.raw.once('close', foreground.enter());
  });
  app.setErrorHandler(problemHandler(options.logger));
  drainOversizedBodies(app as unknown as FastifyInstance, options.bodyLimit);
  // Only JSON bodies: text/plain is answered 415 like any other type, not parsed as a string.
  app.removeContentTypeParser('text/plain');
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problemOf('PRJ_NOT_FOUND', `no route ${request.method} ${request.url}`, { instance: request.url }),
    ),
  );
  // OpenAPI, generated from the same zod schemas that validate requests: GET /docs/openapi.json.
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Projectionist',
        version: '0.1.0',
        description: 'Commands, projection reads and operator routes.',
      },
      components: { securitySchemes: { admin: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  app.get('/docs/openapi.json', { schema: { hide: true } }, () => app.swagger());
  // The reference UI at /docs, its scripts and styles served from node_modules (no CDN).
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  await app.register(healthRoutes, { readiness: options.readiness });
  await app.register(commandRoutes, options.commands);
  await app.register(projectionRoutes, options.projections);
  await app.register(adminRoutes, options.admin);
  await app.register(dashboardRoutes);
  await app.register(metricsRoutes, {
    metrics: options.metrics,
    pool: options.projections.pool,
    client: options.projections.client,
  });
  await app.ready();
  return app as unknown as App;
};
