import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  deadLetterSummary,
  listDeadLetters,
  redriveDeadLetters,
  type CommandCatalog,
} from '../commands/index.ts';
import type { Appender, LogClient } from '../log/index.ts';
import { admin } from './adminSchemas.ts';

export type DeadLetterRoutesOptions = { client: LogClient; catalog: CommandCatalog; appender: Appender };

/**
 * Dead letters, as `projectionist dead-letters list|redrive` (the same functions): each judged
 * again by the current contracts; redrive sends back onto the commands topic those they accept
 * (every one, or those at `offsets`), safe to repeat.
 */
export const deadLetterRoutes: FastifyPluginAsyncZod<DeadLetterRoutesOptions> = async (app, options) => {
  const { client, catalog, appender } = options;
  app.get(
    '/admin/dead-letters',
    { schema: { ...admin, summary: 'Every dead letter, judged again' } },
    async () => ({
      deadLetters: (await listDeadLetters({ client, catalog })).map(deadLetterSummary),
    }),
  );
  app.post(
    '/admin/dead-letters/redrive',
    {
      schema: {
        ...admin,
        summary: 'Send the dead letters the current contracts accept back to the commands topic',
        body: z
          .object({
            offsets: z
              .array(z.string().regex(/^\d{1,19}$/, 'expected an offset'))
              .min(1)
              .max(10_000)
              .optional(),
          })
          .strict()
          .nullish(),
      },
    },
    async (request) => {
      const offsets = request.body?.offsets;
      const result = await redriveDeadLetters({ client, catalog, appender, ...(offsets ? { offsets } : {}) });
      return {
        redriven: result.redriven.map(deadLetterSummary),
        skipped: result.skipped.map(deadLetterSummary),
      };
    },
  );
};
