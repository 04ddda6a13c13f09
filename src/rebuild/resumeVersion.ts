import type pg from 'pg';
import { inTransaction } from '../db/index.ts';
import { lockVersion } from './lockVersion.ts';
import { writeRebuild } from './writeRebuild.ts';

/**
 * Lifts a pause or a cancel: an engine takes the version again within its poll interval and
 * goes on from its checkpoints (a build keeps the target it started with).
 */
export const resumeVersion = async (options: {
  pool: pg.Pool;
  name: string;
  version: number;
  actor?: string;
}): Promise<void> => {
  const { pool, name, version } = options;
  await inTransaction(pool, async (client) => {
    await lockVersion(client, name, version);
    await writeRebuild({
      db: client,
      name,
      version,
      fields: { paused: false, cancelled: false, changed_by: options.actor ?? null, changed_at: new Date() },
    });
  });
};
