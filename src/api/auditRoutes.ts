import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import { readAuditLog } from '../registry/index.ts';
import { admin, projectionName } from './adminSchemas.ts';

/**
 * GET /admin/audit: every cutover and rollback, newest first (who, when, from and to, how long
 * the switch took); `?name=` one projection's, `?before=<id>` the page after a previous one.
 */
export const auditRoutes: FastifyPluginAsyncZod<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.get(
    '/admin/audit',
    {
      schema: {
        ...admin,
        summary: 'The cutover audit log, newest first',
        querystring: z
          .object({
            name: projectionName.optional(),
            limit: z.coerce.number().int().min(1).max(1_000).default(100),
            before: z
              .string()
              .regex(/^[1-9]\d{0,17}$/, 'expected an audit id')
              .optional(),
          })
          .strict(),
      },
    },
    async (request) => {
      const { name, limit, before } = request.query;
      const entries = await readAuditLog({
        db: pool,
        limit,
        ...(name === undefined ? {} : { name }),
        ...(before === undefined ? {} : { beforeId: before }),
      });
      const last = entries.at(-1);
      return { entries, next: entries.length === limit && last !== undefined ? last.id : null };
    },
  );
};
