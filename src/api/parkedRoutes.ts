import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import { listParked, requestParkedRetry, skipParked } from '../registry/index.ts';
import { admin, versionParams } from './adminSchemas.ts';
import { jsonSafe } from './jsonSafe.ts';

/**
 * A version's parked events, as `projectionist parked list|retry|skip` (the same registry
 * functions): never their data. retry asks the version's writer (it takes the request within
 * seconds); skip gives events up for good. An event id that is not parked is a 404.
 */
export const parkedRoutes: FastifyPluginAsyncZod<{ pool: pg.Pool }> = async (app, { pool }) => {
  const base = '/admin/projections/:name/versions/:version/parked';
  const body = z
    .object({
      eventId: z
        .string()
        .min(1)
        .max(200)
        // PostgreSQL refuses a NUL or a lone surrogate: a client's mistake, answered 400, not a 500
        .refine((id) => !id.includes('\u0000') && id.isWellFormed(), 'text PostgreSQL cannot store')
        .optional(),
    })
    .strict()
    .nullish();
  app.get(
    base,
    {
      schema: {
        ...admin,
        summary: "A version's parked events, in log order",
        params: versionParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(1_000) }).strict(),
      },
    },
    async (request) => ({
      ...request.params,
      parked: jsonSafe(await listParked({ pool, ...request.params, limit: request.query.limit })),
    }),
  );
  app.post(
    `${base}/retry`,
    {
      schema: {
        ...admin,
        summary: "Retry a version's parked events (every stream's, or the stream of `eventId`)",
        params: versionParams,
        body,
      },
    },
    async (request) => ({
      ...request.params,
      ...(await requestParkedRetry({ pool, ...request.params, ...request.body })),
    }),
  );
  app.post(
    `${base}/skip`,
    {
      schema: {
        ...admin,
        summary: 'Give parked events up for good (the one `eventId` names, or every failed one)',
        params: versionParams,
        body,
      },
    },
    async (request) => ({
      ...request.params,
      ...(await skipParked({ pool, ...request.params, ...request.body })),
    }),
  );
};
