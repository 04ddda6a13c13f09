export { loadConfig } from './loadConfig.ts';
export { configSchema, type Config } from './configSchema.ts';
export { engineDefaults, type Backoff, type EngineDefaults } from './engineDefaults.ts';
export { backoffDelay } from './backoffDelay.ts';
