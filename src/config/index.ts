export { loadConfig } from './loadConfig.ts';
export type { Config } from './configSchema.ts';
export { engineDefaults } from './engineDefaults.ts';
export { backoffDelay } from './backoffDelay.ts';
