export { createLogger, scoped, type Logger } from './createLogger.ts';
