import type pg from 'pg';
import { createPool } from '../db/index.ts';
import type { Logger } from '../logger/index.ts';
import { refreshStaging, type StagingRefreshResult } from './refreshStaging.ts';

/**
 * refreshStaging into the staging database at `url`, through a small pool of the run's own,
 * closed after it (whatever the outcome).
 */
export const refreshStagingDatabase = async (
  options: Omit<Parameters<typeof refreshStaging>[0], 'staging'> & {
    url: string;
    connectTimeoutMs: number;
    idleInTransactionTimeoutMs: number;
    logger: Logger;
  },
): Promise<StagingRefreshResult> => {
  const { url, connectTimeoutMs, idleInTransactionTimeoutMs, ...refresh } = options;
  const staging: pg.Pool = createPool({
    url,
    max: 4,
    connectTimeoutMs,
    idleInTransactionTimeoutMs,
    logger: options.logger,
    name: 'staging',
  });
  try {
    return await refreshStaging({ ...refresh, staging });
  } finally {
    await staging.end();
  }
};
