import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  acceptCommands,
  commandBatchSchema,
  commandRequestSchema,
  type CommandCatalog,
  type CommandStore,
  unstorableReason,
} from '../commands/index.ts';
import type { Appender, LogClient } from '../log/index.ts';
import { problemOf, sendProblem } from './problem.ts';

export type CommandRoutesOptions = {
  client: LogClient;
  appender: Appender;
  store: CommandStore;
  catalog: CommandCatalog;
};

const accepted = z.object({ commandId: z.string(), status: z.literal('accepted') });

/**
 * Any id a command may have come with (the topic takes more than the HTTP intake's identifiers),
 * but text PostgreSQL can be asked about: a NUL would fail the query, not find nothing.
 */
const commandId = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters long')
  .superRefine((text, ctx) => {
    const reason = unstorableReason(text);
    if (reason !== undefined)
      ctx.addIssue({ code: 'custom', message: `${reason}; no command has such an id` });
  });

/** POST /commands, POST /commands/batch, GET /commands/:id. */
export const commandRoutes: FastifyPluginAsyncZod<CommandRoutesOptions> = async (app, options) => {
  app.post(
    '/commands',
    { schema: { body: commandRequestSchema, response: { 202: accepted } } },
    async (request, reply) => {
      const results = await acceptCommands({ ...options, commands: [request.body], batch: false });
      return reply.code(202).send(results[0] ?? { commandId: request.body.id, status: 'accepted' });
    },
  );

  app.post(
    '/commands/batch',
    { schema: { body: commandBatchSchema, response: { 202: z.object({ commands: z.array(accepted) }) } } },
    async (request, reply) => {
      const commands = await acceptCommands({ ...options, commands: request.body.commands, batch: true });
      return reply.code(202).send({ commands });
    },
  );

  app.get('/commands/:id', { schema: { params: z.object({ id: commandId }) } }, async (request, reply) => {
    const outcome = await options.store.findOutcome(request.params.id);
    if (outcome === undefined)
      return sendProblem(
        reply,
        problemOf('PRJ_NOT_FOUND', `no command with id '${request.params.id}' was accepted here`),
      );
    return outcome;
  });
};
