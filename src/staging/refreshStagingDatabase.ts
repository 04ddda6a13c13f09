import type pg from 'pg';
import { createPool } from '../db/index.ts';
import type { Logger } from '../logger/index.ts';
import { refreshStaging, type StagingRefreshResult } from './refreshStaging.ts';

/**
 * refreshStaging into the staging database at `url`, through a small pool of the run's own, and
 * with `topicPrefix` to the staging deployment's topics through a client of the run's own; both
 * closed after it (whatever the outcome).
 */
export const refreshStagingDatabase = async (
  options: Omit<Parameters<typeof refreshStaging>[0], 'staging' | 'stagingLog'> & {
    url: string;
    /** PROJECTIONIST_STAGING_TOPIC_PREFIX; undefined: no staging topic. */
    topicPrefix?: string | undefined;
    connectTimeoutMs: number;
    idleInTransactionTimeoutMs: number;
    logger: Logger;
  },
): Promise<StagingRefreshResult> => {
  const { url, connectTimeoutMs, idleInTransactionTimeoutMs, topicPrefix, ...refresh } = options;
  const staging: pg.Pool = createPool({
    url,
    max: 4,
    connectTimeoutMs,
    idleInTransactionTimeoutMs,
    logger: options.logger,
    name: 'staging',
  });
  const stagingLog = topicPrefix === undefined ? undefined : options.client.forPrefix(topicPrefix);
  try {
    return await refreshStaging({ ...refresh, staging, ...(stagingLog ? { stagingLog } : {}) });
  } finally {
    await stagingLog?.close();
    await staging.end();
  }
};
