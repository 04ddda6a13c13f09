import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import { ProjectionistError } from '../errors/index.ts';
import type { LogClient } from '../log/index.ts';
import { listParked, requestParkedRetry, skipParked } from '../registry/index.ts';
import { type ProjectionDefinition } from '../definitions/index.ts';
import { rebuildStatus, runVerb } from '../rebuild/index.ts';

export type AdminRoutesOptions = {
  client: LogClient;
  pool: pg.Pool;
  definitions: readonly ProjectionDefinition[];
  /** The bearer token; without one every admin route answers 401. */
  token: string | undefined;
};

const name = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z][a-z0-9_-]*$/, 'expected a projection name');
const versionParams = z.object({ name, version: z.coerce.number().int().min(1).max(100_000) });
const jsonSafe = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * The operator's routes, behind a bearer token: status with live progress, rebuild, verify,
 * cutover, rollback, retire, pause, resume, cancel, and a version's parked events (list, retry,
 * skip). Each acts on the registry; the engine picks the change up. Refusals answer 409 problem documents naming what stood in the way.
 */
export const adminRoutes: FastifyPluginAsyncZod<AdminRoutesOptions> = async (app, options) => {
  const { pool, client, definitions } = options;
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (options.token === undefined)
      throw new ProjectionistError(
        'PRJ_UNAUTHORIZED',
        'admin routes are disabled: PROJECTIONIST_ADMIN_TOKEN is not set',
      );
    if (!sameSecret(given, options.token))
      throw new ProjectionistError(
        'PRJ_UNAUTHORIZED',
        'a valid bearer token is needed (Authorization: Bearer <PROJECTIONIST_ADMIN_TOKEN>)',
      );
  });
  const actor = (request: { ip: string }) => `http:${request.ip}`;
  const security = [{ admin: [] }];

  app.get('/admin/projections', { schema: { security } }, async () => ({
    projections: jsonSafe(await rebuildStatus({ pool, client, definitions })),
  }));

  const context = (request: { ip: string }) => ({ pool, client, definitions, actor: actor(request) });
  app.post(
    '/admin/projections/:name/versions/:version/rebuild',
    {
      schema: {
        security,
        params: versionParams,
        body: z
          .object({ fromScratch: z.boolean().default(false) })
          .strict()
          .default({ fromScratch: false }),
      },
    },
    async (request) =>
      jsonSafe(await runVerb(context(request), 'rebuild', { ...request.params, ...request.body })),
  );
  app.post(
    '/admin/projections/:name/rollback',
    { schema: { security, params: z.object({ name }) } },
    async (request) => jsonSafe(await runVerb(context(request), 'rollback', request.params)),
  );
  for (const verb of ['verify', 'cutover', 'retire', 'pause', 'resume', 'cancel'] as const)
    app.post(
      `/admin/projections/:name/versions/:version/${verb}`,
      { schema: { security, params: versionParams } },
      async (request) => jsonSafe(await runVerb(context(request), verb, request.params)),
    );
  const parkedBody = z
    .object({ eventId: z.string().min(1).max(200).optional() })
    .strict()
    .default({});
  app.get(
    '/admin/projections/:name/:version/parked',
    {
      schema: {
        security,
        params: versionParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(1_000) }),
      },
    },
    async (request) => ({
      ...request.params,
      parked: jsonSafe(await listParked({ pool, ...request.params, limit: request.query.limit })),
    }),
  );
  app.post(
    '/admin/projections/:name/:version/parked/retry',
    { schema: { security, params: versionParams, body: parkedBody } },
    async (request) => ({
      ...request.params,
      ...(await requestParkedRetry({ pool, ...request.params, ...request.body })),
    }),
  );
  app.post(
    '/admin/projections/:name/:version/parked/skip',
    { schema: { security, params: versionParams, body: parkedBody } },
    async (request) => ({
      ...request.params,
      ...(await skipParked({ pool, ...request.params, ...request.body })),
    }),
  );
};
