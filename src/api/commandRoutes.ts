import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { engineDefaults } from '../config/index.ts';
import {
  acceptCommands,
  awaitOutcome,
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

/** A command not decided yet when `?wait=` ran out: accepted, or held for newer code (with the reason). */
const undecided = z.object({
  commandId: z.string(),
  status: z.enum(['accepted', 'waiting']),
  reason: z.string().optional(),
});

/** A command's outcome once decided (or dead-lettered), as GET /commands/:id answers it. */
const settledOutcome = z.object({
  commandId: z.string(),
  streamId: z.string(),
  commandType: z.string(),
  at: z.string(),
  status: z.enum(['applied', 'rejected', 'dead-lettered']),
  eventIds: z.array(z.string()).optional(),
  reason: z.string().optional(),
  streamVersion: z
    .number()
    .nullable()
    .optional()
    .describe(
      "the stream's version after an applied command, or the one a rejected command was decided against",
    ),
  expectedVersion: z.number().optional().describe('set when the command was rejected for a version conflict'),
  positions: z.record(z.string(), z.string()).optional(),
  token: z.string().optional().describe('send as Projectionist-Position on a read to see this decision'),
});

const { maxWaitMs } = engineDefaults.readYourWrites;

/** `?wait=<ms>`: how long POST /commands waits for the decision before it answers 202. */
const waitQuery = z
  .object({
    wait: z
      .string()
      .regex(/^\d{1,9}$/, `expected a whole number of milliseconds from 0 to ${maxWaitMs}`)
      .transform(Number)
      .refine((ms) => ms <= maxWaitMs, `expected a whole number of milliseconds from 0 to ${maxWaitMs}`)
      .optional()
      .describe(`wait up to this many ms (at most ${maxWaitMs}) for the decision and answer it with 200`),
  })
  .strict();

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
      if (status === 202 || status === 200) {
        const body = request.body as { commands?: readonly unknown[] } | undefined;
        events.emit('intake:accepted', { count: body?.commands?.length ?? 1 });
      } else events.emit('intake:refused', { reason: refusals[status] ?? 'failed', status });
    });
  app.post(
    '/commands',
    {
      schema: {
        body: commandRequestSchema,
        querystring: waitQuery,
        response: { 200: settledOutcome, 202: z.union([accepted, undecided]) },
      },
    },
    async (request, reply) => {
      const results = await acceptCommands({ ...options, commands: [request.body], batch: false });
      const answer = results[0] ?? { commandId: request.body.id, status: 'accepted' as const };
      const { wait } = request.query;
      if (wait === undefined || wait === 0) return reply.code(202).send(answer);
      // The command is durable: from here on, waiting only shortens the caller's next poll.
      const outcome = await awaitOutcome({
        store: options.store,
        commandId: request.body.id,
        timeoutMs: wait,
        maxPollMs: engineDefaults.readYourWrites.pollMs,
      });
      if (outcome === undefined || outcome.status === 'accepted') return reply.code(202).send(answer);
      if (outcome.status === 'waiting')
        return reply
          .code(202)
          .send({ commandId: outcome.commandId, status: 'waiting', reason: outcome.reason });
      // Narrowed above to applied, rejected or dead-lettered (TypeScript does not narrow through the intersection).
      return reply.code(200).send(outcome as z.infer<typeof settledOutcome>);
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
