import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createLogger, type Logger } from '../../src/logger/index.ts';
import { LogClient } from '../../src/log/index.ts';

/** A topic prefix no other test uses. */
export const testPrefix = (label = 't'): string => `${label}-${randomUUID().slice(0, 8)}`;

export const testLogger = (): Logger =>
  createLogger({ level: process.env.PROJECTIONIST_TEST_LOG_LEVEL ?? 'silent' });

export const kafkaBrokers = (): string[] => inject('kafkaBrokers').split(',');

export const testLogClient = (prefix = testPrefix()): LogClient =>
  new LogClient({ brokers: kafkaBrokers(), clientId: 'projectionist-test', prefix, logger: testLogger() });

const withDatabase = (adminUrl: string, database: string): string => {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
};

const created: string[] = [];

/**
 * A database of this test file's own, created now; every database a file created is dropped
 * after its tests (test/harness/dropTestDatabases.ts, a setup file). Answers its connection string.
 */
export const useTestDatabase = async (): Promise<string> => {
  const adminUrl = inject('databaseAdminUrl');
  const name = `pj_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
    created.push(name);
  } finally {
    await admin.end();
  }
  return withDatabase(adminUrl, name);
};

/** Drops the databases this file created (hooks registered inside hooks never run, hence a setup file). */
export const dropTestDatabases = async (): Promise<void> => {
  if (created.length === 0) return;
  const dropper = new pg.Client({ connectionString: inject('databaseAdminUrl') });
  await dropper.connect();
  try {
    for (const name of created.splice(0)) {
      // Without FORCE: terminating a connection some test still holds would crash that test's
      // process with an unhandled pool error. A database still in use after a few tries stays.
      for (let attempt = 1; attempt <= 5; attempt++) {
        const dropped = await dropper.query(`drop database if exists ${name}`).then(
          () => true,
          () => false,
        );
        if (dropped) break;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  } finally {
    await dropper.end();
  }
};
