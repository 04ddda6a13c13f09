import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { createLogger, type Logger } from '../../src/logger/index.ts';
import { openLogClient, type LogClient } from '../../src/log/index.ts';

/** A topic prefix no other test uses. */
export const testPrefix = (label = 't'): string => `${label}-${randomUUID().slice(0, 8)}`;

export const testLogger = (): Logger =>
  createLogger({ level: process.env.PROJECTIONIST_TEST_LOG_LEVEL ?? 'silent' });

export const kafkaBrokers = (): string[] => inject('kafkaBrokers').split(',');

export const testLogClient = (prefix = testPrefix()): LogClient =>
  openLogClient({ brokers: kafkaBrokers(), clientId: 'projectionist-test', prefix, logger: testLogger() });

const withDatabase = (adminUrl: string, database: string): string => {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
};

/**
 * A database of this test file's own, created now and dropped after the file's tests.
 * Answers its connection string.
 */
export const useTestDatabase = async (): Promise<string> => {
  const adminUrl = inject('databaseAdminUrl');
  const name = `pj_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  afterAll(async () => {
    const dropper = new pg.Client({ connectionString: adminUrl });
    await dropper.connect();
    try {
      await dropper.query(`drop database if exists ${name} with (force)`);
    } finally {
      await dropper.end();
    }
  });
  return withDatabase(adminUrl, name);
};
