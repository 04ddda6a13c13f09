import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { isProjectionistError, type ProjectionistError } from '../../src/errors/index.ts';

const refusal = (env: Record<string, string>): ProjectionistError => {
  try {
    loadConfig(env);
  } catch (error) {
    if (isProjectionistError(error, 'PRJ_CONFIG_INVALID')) return error;
    throw error;
  }
  throw new Error('expected the config to be refused');
};

describe('loadConfig', () => {
  it('gives documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.topics).toEqual({
      prefix: 'projectionist',
      eventsPartitions: 6,
      commandsPartitions: 6,
      replicationFactor: 1,
    });
    expect(config.http.port).toBe(3000);
    expect(config.staging.key).toBeUndefined();
  });

  it('replays builds in a worker thread by default, with a heap that can be bounded', () => {
    expect(loadConfig({}).replayThread).toEqual({ enabled: true, heapMb: undefined, youngMb: 48 });
    expect(
      loadConfig({
        PROJECTIONIST_REPLAY_THREAD: 'false',
        PROJECTIONIST_REPLAY_THREAD_HEAP_MB: '256',
        PROJECTIONIST_REPLAY_THREAD_YOUNG_MB: '96',
      }).replayThread,
    ).toEqual({ enabled: false, heapMb: 256, youngMb: 96 });
    const error = refusal({ PROJECTIONIST_REPLAY_THREAD_HEAP_MB: '16' });
    expect(error.details).toEqual({ variables: ['PROJECTIONIST_REPLAY_THREAD_HEAP_MB'] });
    expect(error.message).toContain('"16"');
    expect(refusal({ PROJECTIONIST_REPLAY_THREAD_YOUNG_MB: '4' }).details).toEqual({
      variables: ['PROJECTIONIST_REPLAY_THREAD_YOUNG_MB'],
    });
  });

  it('bounds the heap growth past live data to 100% by default; 0 leaves V8 its own', () => {
    expect(loadConfig({}).heapGrowingPercent).toBe(100);
    expect(loadConfig({ PROJECTIONIST_HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent).toBe(0);
    expect(refusal({ PROJECTIONIST_HEAP_GROWING_PERCENT: '-5' }).details).toEqual({
      variables: ['PROJECTIONIST_HEAP_GROWING_PERCENT'],
    });
  });

  it('shares one live reader of the events topic by default, and takes false for one per version', () => {
    expect(loadConfig({}).sharedTail).toBe(true);
    expect(loadConfig({ PROJECTIONIST_SHARED_TAIL: 'false' }).sharedTail).toBe(false);
    expect(refusal({ PROJECTIONIST_SHARED_TAIL: 'sometimes' }).details).toEqual({
      variables: ['PROJECTIONIST_SHARED_TAIL'],
    });
  });

  it('returns a frozen config', () => {
    const config = loadConfig({ PROJECTIONIST_KAFKA_BROKERS: 'a:1,b:2' });
    expect(config.kafka.brokers).toEqual(['a:1', 'b:2']);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.kafka.brokers)).toBe(true);
  });

  it('refuses a bad value with a message naming the variable and the value', () => {
    const error = refusal({ PROJECTIONIST_EVENTS_PARTITIONS: 'six' });
    expect(error.message).toContain('PROJECTIONIST_EVENTS_PARTITIONS');
    expect(error.message).toContain('"six"');
    expect(error.details).toEqual({ variables: ['PROJECTIONIST_EVENTS_PARTITIONS'] });
  });

  it('names every bad variable at once', () => {
    const error = refusal({
      PROJECTIONIST_KAFKA_BROKERS: 'no-port',
      PROJECTIONIST_HTTP_PORT: '70000',
      PROJECTIONIST_DATABASE_URL: 'mysql://x',
    });
    for (const name of [
      'PROJECTIONIST_KAFKA_BROKERS',
      'PROJECTIONIST_HTTP_PORT',
      'PROJECTIONIST_DATABASE_URL',
    ])
      expect(error.message).toContain(name);
  });

  it('bounds database waits and the shutdown drain by default, and takes other bounds', () => {
    expect(loadConfig({}).database).toEqual({
      url: 'postgres://postgres@127.0.0.1:5432/projectionist',
      poolSize: 10,
      readPoolSize: 5,
      connectTimeoutMs: 5_000,
      statementTimeoutMs: 30_000,
      idleInTransactionTimeoutMs: 60_000,
    });
    expect(loadConfig({}).shutdownTimeoutMs).toBe(15_000);
    const config = loadConfig({
      PROJECTIONIST_DATABASE_STATEMENT_TIMEOUT_MS: '0',
      PROJECTIONIST_SHUTDOWN_TIMEOUT_MS: '2500',
    });
    expect(config.database.statementTimeoutMs).toBe(0);
    expect(config.shutdownTimeoutMs).toBe(2_500);
    expect(refusal({ PROJECTIONIST_DATABASE_CONNECT_TIMEOUT_MS: '0' }).message).toContain(
      'PROJECTIONIST_DATABASE_CONNECT_TIMEOUT_MS',
    );
    // A drain deadline too short to drain anything, or not a number, stops the start naming it.
    for (const bad of ['50', 'soon', '-1'])
      expect(refusal({ PROJECTIONIST_SHUTDOWN_TIMEOUT_MS: bad }).message, bad).toContain(
        `PROJECTIONIST_SHUTDOWN_TIMEOUT_MS: `,
      );
  });

  it('never prints a secret it refuses', () => {
    const error = refusal({ PROJECTIONIST_STAGING_KEY: 'short-secret' });
    expect(error.message).toContain('PROJECTIONIST_STAGING_KEY');
    expect(error.message).not.toContain('short-secret');
  });

  it('refuses a staging topic prefix equal to the production prefix, naming the variable', () => {
    expect(loadConfig({ PROJECTIONIST_STAGING_TOPIC_PREFIX: 'staging' }).staging.topicPrefix).toBe('staging');
    expect(loadConfig({}).staging.topicPrefix).toBeUndefined();
    const equal: Record<string, string>[] = [
      { PROJECTIONIST_STAGING_TOPIC_PREFIX: 'projectionist' },
      { PROJECTIONIST_TOPIC_PREFIX: 'shop', PROJECTIONIST_STAGING_TOPIC_PREFIX: 'shop' },
    ];
    for (const env of equal) {
      const error = refusal(env);
      expect(error.message).toContain(
        'PROJECTIONIST_STAGING_TOPIC_PREFIX: must differ from PROJECTIONIST_TOPIC_PREFIX',
      );
      expect(error.details).toMatchObject({ variables: ['PROJECTIONIST_STAGING_TOPIC_PREFIX'] });
    }
    expect(refusal({ PROJECTIONIST_STAGING_TOPIC_PREFIX: 'has space' }).message).toContain(
      'PROJECTIONIST_STAGING_TOPIC_PREFIX: expected letters',
    );
  });
});
