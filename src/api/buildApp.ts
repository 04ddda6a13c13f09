import fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from '../logger/index.ts';
import { commandRoutes, type CommandRoutesOptions } from './commandRoutes.ts';
import { healthRoutes, type Readiness } from './healthRoutes.ts';
import { projectionRoutes, type ProjectionRoutesOptions } from './projectionRoutes.ts';
import { problemHandler, problemOf, sendProblem } from './problem.ts';

export type AppOptions = {
  logger: Logger;
  bodyLimit: number;
  commands: CommandRoutesOptions;
  projections: ProjectionRoutesOptions;
  readiness: Readiness;
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
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(problemHandler(options.logger));
  // Only JSON bodies: text/plain is answered 415 like any other type, not parsed as a string.
  app.removeContentTypeParser('text/plain');
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problemOf('PRJ_NOT_FOUND', `no route ${request.method} ${request.url}`, { instance: request.url }),
    ),
  );
  await app.register(healthRoutes, { readiness: options.readiness });
  await app.register(commandRoutes, options.commands);
  await app.register(projectionRoutes, options.projections);
  await app.ready();
  return app as unknown as App;
};
