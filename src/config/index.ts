export { loadConfig } from './loadConfig.ts';
export { configSchema, type Config } from './configSchema.ts';
