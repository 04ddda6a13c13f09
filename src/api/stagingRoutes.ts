import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ProjectionistError, isProjectionistError } from '../errors/index.ts';
import { highWatermarks, offsetDistance, type LogClient } from '../log/index.ts';
import { createEmitter, type Emitter, type ProjectorEvents } from '../projections/index.ts';
import type { StagingRefreshResult } from '../staging/index.ts';
import type { AdminFeed } from './createAdminFeed.ts';
import { admin } from './adminSchemas.ts';
import { jsonSafe } from './jsonSafe.ts';

/** One staging refresh, as the composition root wires it (refreshStagingDatabase with the config). */
export type StagingRefresh = (options: {
  emitter: Emitter<ProjectorEvents>;
  signal: AbortSignal;
}) => Promise<StagingRefreshResult>;

export type StagingRoutesOptions = {
  /** Undefined when this deployment has no staging target: the route refuses (409). */
  refresh: StagingRefresh | undefined;
  client: LogClient;
  feed: AdminFeed;
};

type RefreshState =
  | { readonly status: 'idle' }
  | { readonly status: 'running'; readonly startedAt: Date; readonly actor: string }
  | {
      readonly status: 'done';
      readonly startedAt: Date;
      readonly endedAt: Date;
      readonly actor: string;
      readonly result: StagingRefreshResult;
    }
  | {
      readonly status: 'failed';
      readonly startedAt: Date;
      readonly endedAt: Date;
      readonly actor: string;
      readonly error: { readonly code: string; readonly message: string };
    };

/**
 * The staging refresh over HTTP, as `projectionist staging refresh`: POST starts it in this
 * process and answers 202 at once (a refresh runs for minutes); its progress and outcome come
 * on the admin feed (`staging:progress`, `staging:done`, `staging:failed`) and from GET. One at
 * a time (PRJ_ALREADY_RUNNING); the app's close aborts a running one and waits for it.
 */
export const stagingRoutes: FastifyPluginAsyncZod<StagingRoutesOptions> = async (app, options) => {
  const { client, feed } = options;
  let state: RefreshState = { status: 'idle' };
  let running: Promise<void> | undefined;
  const stop = new AbortController();
  app.addHook('preClose', async () => {
    stop.abort();
    await running;
  });

  const start = (refresh: StagingRefresh, actor: string) => {
    const startedAt = new Date();
    state = { status: 'running', startedAt, actor };
    const emitter = createEmitter<ProjectorEvents>();
    let lastSent = 0;
    running = (async () => {
      const target = await highWatermarks({ client, topic: client.topics.events });
      const total = offsetDistance(new Map(), target);
      emitter.on('projector:batch', ({ name, version, positions }) => {
        if (performance.now() - lastSent < 250) return;
        lastSent = performance.now();
        feed.publish('staging:progress', {
          name,
          version,
          applied: offsetDistance(new Map(), positions),
          total,
        });
      });
      const result = await refresh({ emitter, signal: stop.signal });
      state = { status: 'done', startedAt, endedAt: new Date(), actor, result };
      feed.publish('staging:done', state);
    })().catch((error: unknown) => {
      const code = isProjectionistError(error) ? error.code : 'PRJ_INTERNAL';
      const message = error instanceof Error ? error.message : String(error);
      state = { status: 'failed', startedAt, endedAt: new Date(), actor, error: { code, message } };
      feed.publish('staging:failed', state);
    });
  };

  app.get(
    '/admin/staging/refresh',
    {
      schema: {
        ...admin,
        summary: 'The last staging refresh of this process: idle, running, done or failed',
      },
    },
    async () => jsonSafe(state),
  );
  app.post(
    '/admin/staging/refresh',
    {
      schema: {
        ...admin,
        summary: 'Start a staging refresh (202); progress on /admin/events',
      },
    },
    async (request, reply) => {
      const refresh = options.refresh;
      if (refresh === undefined)
        throw new ProjectionistError(
          'PRJ_STAGING_REFUSED',
          'there is no staging target: PROJECTIONIST_STAGING_DATABASE_URL is not set',
        );
      if (state.status === 'running')
        throw new ProjectionistError(
          'PRJ_ALREADY_RUNNING',
          `a staging refresh is already running (started ${state.startedAt.toISOString()} by ${state.actor})`,
        );
      start(refresh, `http:${request.ip}`);
      return reply.code(202).send(jsonSafe(state));
    },
  );
};
