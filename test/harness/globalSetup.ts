import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { startKafkaContainer } from './kafkaContainer.ts';

const run = promisify(execFile);

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    databaseAdminUrl: string;
    servicesSource: 'environment' | 'testcontainers' | 'local';
  }
}

const dockerAnswers = async (): Promise<boolean> => {
  try {
    await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
};

/**
 * Real Kafka and PostgreSQL for the integration tests, picked in this order:
 * 1. PROJECTIONIST_TEST_KAFKA_BROKERS and PROJECTIONIST_TEST_DATABASE_URL from the environment;
 * 2. Testcontainers, when a Docker engine answers;
 * 3. the project's own scripts/services (Apache Kafka's broker from its jars, the local PostgreSQL).
 * The database URL is an admin connection: each test file creates its own database from it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const envKafka = process.env.PROJECTIONIST_TEST_KAFKA_BROKERS;
  const envDb = process.env.PROJECTIONIST_TEST_DATABASE_URL;
  if (envKafka && envDb) {
    project.provide('kafkaBrokers', envKafka);
    project.provide('databaseAdminUrl', envDb);
    project.provide('servicesSource', 'environment');
    return async () => {};
  }
  if (await dockerAnswers()) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const [kafka, pg] = await Promise.all([
      startKafkaContainer(),
      new PostgreSqlContainer('postgres:17-alpine').withUsername('postgres').withPassword('postgres').start(),
    ]);
    project.provide('kafkaBrokers', kafka.brokers);
    project.provide('databaseAdminUrl', pg.getConnectionUri());
    project.provide('servicesSource', 'testcontainers');
    return async () => {
      await Promise.all([kafka.container.stop(), pg.stop()]);
    };
  }
  // The script is idempotent: when CI (or a developer) already started the services it only checks them.
  const { stdout } = await run('bash', ['scripts/services', 'start'], { timeout: 300_000 });
  process.stdout.write(stdout);
  project.provide('kafkaBrokers', `127.0.0.1:${process.env.PROJECTIONIST_KAFKA_PORT ?? '9092'}`);
  project.provide(
    'databaseAdminUrl',
    process.env.PROJECTIONIST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  );
  project.provide('servicesSource', 'local');
  return async () => {};
}
