import type pg from 'pg';
import { ProjectionistError } from '../errors/index.ts';
import { inTransaction } from '../db/index.ts';
import { lockVersion } from './lockVersion.ts';
import { writeRebuild } from './writeRebuild.ts';

/**
 * Stops all work on a version until it is resumed: the engine holding it flushes what it
 * applied, lets its lease go, and no engine takes it. A paused build keeps its target and
 * checkpoints; a paused live version still serves reads, but they go stale. Refuses a retired
 * version (PRJ_VERSION_STATE).
 */
export const pauseVersion = async (options: {
  pool: pg.Pool;
  name: string;
  version: number;
  actor?: string;
}): Promise<void> => {
  const { pool, name, version } = options;
  await inTransaction(pool, async (client) => {
    const { status } = await lockVersion(client, name, version);
    if (status === 'retired')
      throw new ProjectionistError('PRJ_VERSION_STATE', `${name} v${version} is retired`, {
        details: { name, version, status },
      });
    await writeRebuild({
      db: client,
      name,
      version,
      fields: { paused: true, changed_by: options.actor ?? null, changed_at: new Date() },
    });
  });
};
