export { createLogger, scoped, type Logger, type LogScope } from './createLogger.ts';
