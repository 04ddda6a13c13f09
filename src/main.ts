import { loadConfig, type Config } from './config/index.ts';
import { createLogger, scoped, type Logger } from './logger/index.ts';
import { LogClient, ensureTopics, findTruncation } from './log/index.ts';

export type Running = {
  readonly config: Config;
  readonly logger: Logger;
  readonly log: LogClient;
  stop(): Promise<void>;
};

/**
 * The composition root: the one place that wires config, logger, Kafka and (as they land)
 * the command workers, projections and HTTP server together. Throws PRJ_CONFIG_INVALID before
 * anything is opened when the environment is bad.
 */
export const startProjectionist = async (
  options: {
    env?: Readonly<Record<string, string | undefined>>;
    logger?: Logger;
  } = {},
): Promise<Running> => {
  const config = loadConfig(options.env);
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const main = scoped(logger, 'main');
  const log = new LogClient({
    brokers: config.kafka.brokers,
    clientId: config.kafka.clientId,
    prefix: config.topics.prefix,
    logger,
  });
  try {
    await ensureTopics({
      client: log,
      eventsPartitions: config.topics.eventsPartitions,
      commandsPartitions: config.topics.commandsPartitions,
      replicationFactor: config.topics.replicationFactor,
    });
    const truncated = await findTruncation({ client: log, topic: log.topics.events });
    if (truncated.length > 0)
      main.warn(
        {
          topic: log.topics.events,
          truncated: truncated.map((t) => ({ ...t, earliest: t.earliest.toString() })),
        },
        'events topic has lost records; rebuilds will be refused',
      );
  } catch (error) {
    await log.close();
    throw error;
  }
  main.info({ brokers: config.kafka.brokers, prefix: config.topics.prefix }, 'projectionist started');
  return {
    config,
    logger,
    log,
    stop: async () => {
      await log.close();
      main.info('projectionist stopped');
    },
  };
};
