import type { Admin, Kafka as KafkaClient, LogEntry } from 'kafkajs';
import { Kafka, logLevel } from './kafkajs.ts';
import { ProjectionistError } from '../errors/index.ts';
import type { Logger } from '../logger/index.ts';
import { guardRequestQueue } from './guardRequestQueue.ts';
import { topicNames, type TopicNames } from './topicNames.ts';

guardRequestQueue();

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs's own log lines, bridged into the pino root (one child, scope "kafka"). */
const bridge = (logger: Logger) => () => (entry: LogEntry) => {
  const { message, ...fields } = entry.log;
  const level = levels[entry.level] ?? 'info';
  // kafkajs reports every retriable coordinator answer as an error; they are routine while a
  // broker starts, so they go down one level. CONCURRENT_TRANSACTIONS (a transaction begun while
  // the broker still writes the last one's markers) is routine under load: retried, debug.
  const said = typeof fields.error === 'string' ? fields.error : message;
  const routine = level === 'error' && /another concurrent operation on the same transaction/i.test(said);
  const demoted =
    level === 'error' &&
    typeof fields.error === 'string' &&
    /coordinator|loading|not available/i.test(fields.error);
  logger[routine ? 'debug' : demoted ? 'warn' : level]({ namespace: entry.namespace, ...fields }, message);
};

/** What the cluster says about itself: a health probe's answer. */
export type ClusterInfo = { readonly clusterId: string; readonly brokers: number };

/** What this folder's modules reach through a LogClient; never handed outside src/log. */
type Internals = {
  /** The kafkajs client: producers and consumers are made from it in src/log only. */
  readonly kafka: KafkaClient;
  /** The shared connected admin (see LogClient's #connectAdmin). */
  readonly admin: () => Promise<Admin>;
  /** The client's child logger (scope "kafka"). */
  readonly logger: Logger;
  /** Runs `close` when the client closes (what this folder keeps per client, e.g. a LogFeed). */
  readonly onClose: (close: () => Promise<void>) => void;
  /** Whether live tails read through one shared feed per topic (LogFeed). */
  readonly sharedTail: boolean;
};

export type LogClientOptions = {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly prefix: string;
  readonly logger: Logger;
  /** Retries of a failed request before kafkajs gives up (backoff from 100 ms). Default 8. */
  readonly retries?: number;
  /**
   * Live tails of one topic (every live version, the command state) read through one shared
   * reader (LogFeed), each event fetched and decoded once. Default true; false gives each tail
   * a reader of its own.
   */
  readonly sharedTail?: boolean;
};

let internalsOf: (client: LogClient) => Internals;

/**
 * The connection to a Kafka cluster and the names of this deployment's topics. A resource with
 * a lifecycle: open it once per process, close it at shutdown. The only holder of kafkajs: it
 * hands out operations, never kafkajs objects (this folder's modules reach them through
 * logClientInternals).
 */
export class LogClient {
  readonly topics: TopicNames;
  readonly prefix: string;
  readonly #kafka: KafkaClient;
  readonly #logger: Logger;
  readonly #options: LogClientOptions;
  #admin: Admin | undefined;
  #adminReady: Promise<Admin> | undefined;
  #closed = false;
  readonly #closers: (() => Promise<void>)[] = [];

  static {
    internalsOf = (client) => ({
      kafka: client.#kafka,
      admin: () => client.#connectAdmin(),
      logger: client.#logger,
      onClose: (close) => client.#closers.push(close),
      sharedTail: client.#options.sharedTail ?? true,
    });
  }

  constructor(options: LogClientOptions) {
    this.#options = options;
    this.prefix = options.prefix;
    this.topics = topicNames(options.prefix);
    this.#logger = options.logger.child({ scope: 'kafka' });
    this.#kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      logLevel: logLevel.WARN,
      logCreator: bridge(this.#logger),
      retry: { initialRetryTime: 100, retries: options.retries ?? 8 },
      connectionTimeout: 3000,
    });
  }

  /**
   * A new client on the same cluster, with the same settings, for the topics of another
   * prefix (the staging deployment's). The caller closes it.
   */
  forPrefix(prefix: string): LogClient {
    return new LogClient({ ...this.#options, prefix });
  }

  /** Asks the cluster who it is; rejects while no broker answers (the health probe of the log). */
  async describeCluster(): Promise<ClusterInfo> {
    const cluster = await (await this.#connectAdmin()).describeCluster();
    return { clusterId: cluster.clusterId, brokers: cluster.brokers.length };
  }

  /**
   * A connected admin client, made once and shared. A connect that failed is not kept: the next
   * call tries again, so a process that started while the broker was away recovers when it returns.
   */
  #connectAdmin(): Promise<Admin> {
    if (this.#closed)
      return Promise.reject(new ProjectionistError('PRJ_KAFKA_UNAVAILABLE', 'the log client is closed'));
    if (this.#adminReady === undefined) {
      const ready = (async () => {
        const admin = this.#kafka.admin();
        try {
          await admin.connect();
        } catch (error) {
          await admin.disconnect().catch(() => undefined);
          throw error;
        }
        this.#admin = admin;
        return admin;
      })();
      this.#adminReady = ready;
      ready.catch(() => {
        if (this.#adminReady === ready) this.#adminReady = undefined;
      });
    }
    return this.#adminReady;
  }

  async close(): Promise<void> {
    // What the client keeps (a feed's reader) stops first, while the admin still answers: a
    // reader deletes its group as it stops.
    await Promise.all(this.#closers.splice(0).map((close) => close().catch(() => undefined)));
    this.#closed = true;
    const admin = this.#admin;
    this.#admin = undefined;
    this.#adminReady = undefined;
    if (admin !== undefined) await admin.disconnect();
  }
}

/** For src/log's own modules only (src/log/index.ts does not export it). */
export const logClientInternals = (client: LogClient): Internals => internalsOf(client);
