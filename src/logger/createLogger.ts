import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Components that get a child logger; the scope is typed so log lines stay searchable. */
export type LogScope =
  'main' | 'kafka' | 'log' | 'commands' | 'projections' | 'rebuild' | 'staging' | 'api' | 'cli';

/**
 * The one pino root. Secrets are redacted by path wherever they appear; event payloads are never
 * logged (callers log ids, types and positions only).
 */
export const createLogger = (options: {
  level: LoggerOptions['level'];
  destination?: pino.DestinationStream;
}): Logger =>
  pino(
    {
      level: options.level ?? 'info',
      base: { app: 'projectionist' },
      redact: {
        paths: [
          '*.password',
          '*.token',
          '*.key',
          '*.stagingKey',
          'config.staging.key',
          'config.http.adminToken',
          'headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    options.destination,
  );

export const scoped = (logger: Logger, scope: LogScope): Logger => logger.child({ scope });
