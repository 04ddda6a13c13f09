import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  acceptCommands,
  commandBatchSchema,
  commandRequestSchema,
  type CommandCatalog,
  type CommandEvents,
  type CommandStore,
  type IntakeRefusal,
  unstorableReason,
} from '../commands/index.ts';
import type { Appender, LogClient } from '../log/index.ts';
import type { Emitter } from '../projections/index.ts';
import { problemOf, sendProblem } from './problem.ts';

export type CommandRoutesOptions = {
  client: LogClient;
  appender: Appender;
  store: CommandStore;
  catalog: CommandCatalog;
  /** Told what the intake accepted and refused ('intake:accepted', 'intake:refused'). */
  events?: Emitter<CommandEvents>;
};

const refusals: Readonly<Record<number, IntakeRefusal>> = {
  400: 'invalid',
  413: 'too-large',
  415: 'unsupported-media-type',
  503: 'kafka-unavailable',
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
  const { events } = options;
  // From the answer, so that refusals fastify makes before a handler runs (schema, size, media type) count too.
  if (events !== undefined)
    app.addHook('onResponse', async (request, reply) => {
      if (request.method !== 'POST') return;
      const status = reply.statusCode;
      if (status === 202) {
        const body = request.body as { commands?: readonly unknown[] } | undefined;
        events.emit('intake:accepted', { count: body?.commands?.length ?? 1 });
      } else events.emit('intake:refused', { reason: refusals[status] ?? 'failed', status });
    });
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
