import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import type { CommandCatalog } from '../commands/index.ts';
import type { Appender, LogClient } from '../log/index.ts';
import type { Logger } from '../logger/index.ts';
import type { Emitter } from '../projections/index.ts';
import { type ProjectionDefinition } from '../definitions/index.ts';
import { rebuildStatus, runVerb, type RebuildEvents } from '../rebuild/index.ts';
import { adminEventsRoute } from './adminEventsRoute.ts';
import { admin, projectionParams, versionParams } from './adminSchemas.ts';
import { auditRoutes } from './auditRoutes.ts';
import { bearerGuard } from './bearerGuard.ts';
import { createAdminFeed } from './createAdminFeed.ts';
import { deadLetterRoutes } from './deadLetterRoutes.ts';
import { jsonSafe } from './jsonSafe.ts';
import { parkedRoutes } from './parkedRoutes.ts';
import { stagingRoutes, type StagingRefresh } from './stagingRoutes.ts';

export type AdminRoutesOptions = {
  client: LogClient;
  pool: pg.Pool;
  definitions: readonly ProjectionDefinition[];
  /** The bearer token; without one every admin route answers 401. */
  token: string | undefined;
  /** The engine's lifecycle events when this process runs one; without, the feed polls the registry. */
  events?: Emitter<RebuildEvents> | undefined;
  /** For the dead-letter routes: the contracts that judge them again, and the producer of a redrive. */
  catalog: CommandCatalog;
  appender: Appender;
  /** One staging refresh; undefined when this deployment has no staging target. */
  stagingRefresh?: StagingRefresh | undefined;
  logger?: Logger;
  /** The live feed's timing (tests shorten them). */
  feed?: { throttleMs?: number; pollMs?: number; heartbeatMs?: number };
};

const verbSummaries = {
  verify: "Run the version's declared checks against the active version",
  cutover: 'Switch reads to a caught-up, verified version in one transaction',
  retire: "Drop a version's schema (not the active version)",
  pause: 'Stop all work on a version until it is resumed',
  resume: 'Resume a paused or cancelled version',
  cancel: "Stop a version's build, keeping its checkpoints",
} as const;

/**
 * The operator's routes, behind a bearer token: status, every operator verb through runVerb (as
 * the CLI), parked events, dead letters, the staging refresh, the cutover audit log, and the
 * live feed as server-sent events. Each verb acts on the registry; the engine picks the change
 * up. Refusals answer 409 problem documents naming what stood in the way; bad input a 400 with
 * the issues.
 */
export const adminRoutes: FastifyPluginAsyncZod<AdminRoutesOptions> = async (app, options) => {
  const { pool, client, definitions } = options;
  app.addHook('onRequest', bearerGuard(options.token));
  const actor = (request: { ip: string }) => `http:${request.ip}`;

  app.get(
    '/admin/projections',
    { schema: { ...admin, summary: 'Every projection and version' } },
    async () => ({
      projections: jsonSafe(await rebuildStatus({ pool, client, definitions })),
    }),
  );

  const context = (request: { ip: string }) => ({ pool, client, definitions, actor: actor(request) });
  app.post(
    '/admin/projections/:name/versions/:version/rebuild',
    {
      schema: {
        ...admin,
        summary: 'Ask for a (re)build; it resumes from its checkpoints unless fromScratch',
        params: versionParams,
        // No body at all (fastify hands it on as null) asks for a resuming rebuild.
        body: z
          .object({ fromScratch: z.boolean().default(false) })
          .strict()
          .nullish(),
      },
    },
    async (request) =>
      jsonSafe(
        await runVerb(context(request), 'rebuild', {
          ...request.params,
          fromScratch: request.body?.fromScratch ?? false,
        }),
      ),
  );
  app.post(
    '/admin/projections/:name/rollback',
    {
      schema: {
        ...admin,
        summary: 'Switch reads back to the version active before',
        params: projectionParams,
      },
    },
    async (request) => jsonSafe(await runVerb(context(request), 'rollback', request.params)),
  );
  app.post(
    '/admin/projections/:name/versions/:version/cutover',
    {
      schema: {
        ...admin,
        summary: verbSummaries.cutover,
        params: versionParams,
        // unverified: the operator's word that a version declaring no checks may take over (CLI --unverified).
        body: z
          .object({ unverified: z.boolean().default(false) })
          .strict()
          .nullish(),
      },
    },
    async (request) =>
      jsonSafe(
        await runVerb(context(request), 'cutover', {
          ...request.params,
          unverified: request.body?.unverified ?? false,
        }),
      ),
  );
  for (const verb of ['verify', 'retire', 'pause', 'resume', 'cancel'] as const)
    app.post(
      `/admin/projections/:name/versions/:version/${verb}`,
      { schema: { ...admin, summary: verbSummaries[verb], params: versionParams } },
      async (request) => jsonSafe(await runVerb(context(request), verb, request.params)),
    );

  const feed = createAdminFeed({
    pool,
    client,
    names: [...new Set(definitions.map((d) => d.name))],
    events: options.events,
    ...(options.feed?.throttleMs === undefined ? {} : { throttleMs: options.feed.throttleMs }),
    ...(options.feed?.pollMs === undefined ? {} : { pollMs: options.feed.pollMs }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  app.addHook('onClose', async () => feed.close());
  await app.register(adminEventsRoute, {
    feed,
    ...(options.feed?.heartbeatMs === undefined ? {} : { heartbeatMs: options.feed.heartbeatMs }),
  });
  await app.register(parkedRoutes, { pool });
  await app.register(auditRoutes, { pool });
  await app.register(deadLetterRoutes, { client, catalog: options.catalog, appender: options.appender });
  await app.register(stagingRoutes, { refresh: options.stagingRefresh, client, feed });
};
