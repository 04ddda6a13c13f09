import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests that fake only the project's own interfaces, and integration
// tests against a real Kafka broker and a real PostgreSQL (see test/harness/globalSetup.ts).
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.unit.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['test/**/*.int.test.ts'],
          globalSetup: ['test/harness/globalSetup.ts'],
          setupFiles: ['test/harness/leakCheck.ts', 'test/harness/dropTestDatabases.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Two cores and one broker: a couple of files at once keeps the broker responsive.
          maxWorkers: 2,
        },
      },
    ],
  },
});
