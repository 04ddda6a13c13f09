// HTTP: fastify, zod-typed; commands, queries, admin, health.
export { buildApp, type App } from './buildApp.ts';
export type { StagingRefresh } from './stagingRoutes.ts';
