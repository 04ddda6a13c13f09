import type pg from 'pg';
import { ProjectionistError } from '../errors/index.ts';
import { inTransaction } from '../db/index.ts';
import { lockVersion } from './lockVersion.ts';
import { writeRebuild } from './writeRebuild.ts';

/**
 * Stops a version's build: the engine flushes what it applied and lets the version be. It stays
 * 'building', with its tables and checkpoints, idle until resumed or requested again (which go
 * on from the checkpoints) or retired. Refuses a version that is not building (PRJ_VERSION_STATE).
 */
export const cancelRebuild = async (options: {
  pool: pg.Pool;
  name: string;
  version: number;
  actor?: string;
}): Promise<void> => {
  const { pool, name, version } = options;
  await inTransaction(pool, async (client) => {
    const { status } = await lockVersion(client, name, version);
    if (status !== 'building')
      throw new ProjectionistError('PRJ_VERSION_STATE', `${name} v${version} is ${status}, not building`, {
        details: { name, version, status },
      });
    await writeRebuild({
      db: client,
      name,
      version,
      fields: {
        cancelled: true,
        requested_at: null,
        changed_by: options.actor ?? null,
        changed_at: new Date(),
      },
    });
  });
};
