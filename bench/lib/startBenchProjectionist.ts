import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { dropTopics, LogClient } from '../../src/log/index.ts';
import { createLogger } from '../../src/logger/index.ts';
import { startProjectionist, type Running } from '../../src/main.ts';
import { benchDatabase } from './benchDatabase.ts';

export type BenchProjectionist = {
  readonly running: Running;
  /** Where its HTTP server listens, e.g. http://127.0.0.1:41234. */
  readonly baseUrl: string;
  readonly brokers: readonly string[];
  /** Its own topic prefix. */
  readonly prefix: string;
  /** Its own database. */
  readonly databaseUrl: string;
  /** Stops it, then deletes its topics, its consumer groups and its database. */
  stop(): Promise<void>;
};

/** The broker benches run against. */
export const benchBrokers = (process.env.PROJECTIONIST_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** The bench's own PROJECTIONIST_* variables (its scale aside), for the Projectionist it starts. */
const knobsFromEnvironment = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[0].startsWith('PROJECTIONIST_') &&
        !entry[0].startsWith('PROJECTIONIST_BENCH_') &&
        entry[1] !== undefined,
    ),
  );

/** Deletes a prefix's topics and consumer groups, so repeated runs leave the broker as they found it. */
const dropBenchTopics = async (brokers: readonly string[], prefix: string) => {
  const client = new LogClient({
    brokers,
    clientId: 'projectionist-bench',
    prefix,
    logger: createLogger({ level: 'silent' }),
  });
  try {
    await dropTopics({ client });
  } finally {
    await client.close();
  }
};

/**
 * A real Projectionist for a bench: a fresh database and topic prefix, command workers on, the
 * HTTP server listening on a free port (the system picks it). `env` adds or overrides variables;
 * `engine` runs the projections too (as `serve` does).
 */
export const startBenchProjectionist = async (
  label: string,
  env: Record<string, string> = {},
  options: { engine?: boolean } = {},
): Promise<BenchProjectionist> => {
  const database = await benchDatabase(label);
  const prefix = `bench-${label}-${randomUUID().slice(0, 8)}`;
  let running: Running;
  try {
    running = await startProjectionist({
      env: {
        // A knob set for the bench (PROJECTIONIST_SHARED_TAIL=false npm run bench -- commands) reaches
        // the Projectionist it starts; what the bench fixes below wins.
        ...knobsFromEnvironment(),
        PROJECTIONIST_KAFKA_BROKERS: benchBrokers.join(','),
        PROJECTIONIST_TOPIC_PREFIX: prefix,
        PROJECTIONIST_DATABASE_URL: database.url,
        PROJECTIONIST_HTTP_HOST: '127.0.0.1',
        PROJECTIONIST_HTTP_PORT: '0',
        PROJECTIONIST_LOG_LEVEL: process.env.PROJECTIONIST_LOG_LEVEL ?? 'warn',
        ...env,
      },
      http: 'listen',
      workers: true,
      engine: options.engine ?? false,
    });
  } catch (error) {
    await database.drop();
    throw error;
  }
  const address = running.app?.server.address() as AddressInfo | null | undefined;
  if (address === null || address === undefined) throw new Error('the HTTP server is not listening');
  return {
    running,
    baseUrl: `http://127.0.0.1:${address.port}`,
    brokers: benchBrokers,
    prefix,
    databaseUrl: database.url,
    stop: async () => {
      await running.stop();
      await dropBenchTopics(benchBrokers, prefix);
      await database.drop();
    },
  };
};
