import { kafkaBrokers, testPrefix } from './testServices.ts';

/** The environment of a Projectionist under test: its own topics (prefix) and database. */
export const testEnv = (
  databaseUrl: string,
  prefix = testPrefix(),
  extra: Record<string, string> = {},
): Record<string, string> => ({
  PROJECTIONIST_KAFKA_BROKERS: kafkaBrokers().join(','),
  PROJECTIONIST_TOPIC_PREFIX: prefix,
  PROJECTIONIST_DATABASE_URL: databaseUrl,
  PROJECTIONIST_EVENTS_PARTITIONS: '3',
  PROJECTIONIST_COMMANDS_PARTITIONS: '3',
  PROJECTIONIST_LOG_LEVEL: process.env.PROJECTIONIST_TEST_LOG_LEVEL ?? 'silent',
  ...extra,
});

/** Polls `probe` until it answers something other than undefined, or fails after `timeoutMs`. */
export const eventually = async <T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
