import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createLogger, type Logger } from '../../src/logger/index.ts';
import { LogClient } from '../../src/log/index.ts';
import { freshDatabase, type FreshDatabase } from '../../src/testing/index.ts';

/** A topic prefix no other test uses. */
export const testPrefix = (label = 't'): string => `${label}-${randomUUID().slice(0, 8)}`;

export const testLogger = (): Logger =>
  createLogger({ level: process.env.PROJECTIONIST_TEST_LOG_LEVEL ?? 'silent' });

export const kafkaBrokers = (): string[] => inject('kafkaBrokers').split(',');

export const testLogClient = (prefix = testPrefix()): LogClient =>
  new LogClient({ brokers: kafkaBrokers(), clientId: 'projectionist-test', prefix, logger: testLogger() });

const created: FreshDatabase[] = [];

/**
 * A database of this test file's own, created now; every database a file created is dropped
 * after its tests (test/harness/dropTestDatabases.ts, a setup file). Answers its connection string.
 */
export const useTestDatabase = async (): Promise<string> => {
  const database = await freshDatabase({ adminUrl: inject('databaseAdminUrl'), label: 'pj_test' });
  created.push(database);
  return database.url;
};

/**
 * Drops the databases this file created (hooks registered inside hooks never run, hence a setup
 * file). Without force: ending a connection some test still holds would crash that test's
 * process with an unhandled pool error. A database still in use after a few tries stays.
 */
export const dropTestDatabases = async (): Promise<void> => {
  for (const database of created.splice(0)) await database.drop();
};
