import type { FastifyPluginAsync } from 'fastify';

export type Readiness = () => Promise<{ ready: boolean; checks: Record<string, string> }>;

/** /healthz: the process answers. /readyz: its dependencies answer too (503 when not). */
export const healthRoutes: FastifyPluginAsync<{ readiness: Readiness }> = async (app, options) => {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const { ready, checks } = await options.readiness();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
};
