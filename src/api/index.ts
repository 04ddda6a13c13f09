// HTTP: fastify, zod-typed; commands, queries, admin, health.
export { buildApp, type App, type AppOptions } from './buildApp.ts';
export { problemOf, type Problem } from './problem.ts';
