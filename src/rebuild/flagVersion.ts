import type pg from 'pg';
import { inTransaction } from '../db/index.ts';
import { ProjectionistError } from '../errors/index.ts';
import { type VersionStatus, writeRebuild } from '../registry/index.ts';
import { lockVersion } from './lockVersion.ts';

/**
 * Sets an operator's flags on a version (paused, cancelled, requested) under the projection
 * row's lock, as a cutover takes it, recording who did it and when. `refuse` answers why the
 * version's status forbids it (PRJ_VERSION_STATE with that reason), or undefined.
 */
/** Which version an operator's verb acts on, and who asked. */
export type VersionVerbOptions = {
  pool: pg.Pool;
  name: string;
  version: number;
  actor?: string;
};

export const flagVersion = async (
  options: VersionVerbOptions & {
    flags: { paused?: boolean; cancelled?: boolean; requested_at?: null };
    refuse?: (status: VersionStatus) => string | undefined;
  },
): Promise<void> => {
  const { pool, name, version } = options;
  await inTransaction(pool, async (client) => {
    const { status } = await lockVersion(client, name, version);
    const reason = options.refuse?.(status);
    if (reason !== undefined)
      throw new ProjectionistError('PRJ_VERSION_STATE', `${name} v${version} is ${reason}`, {
        details: { name, version, status },
      });
    await writeRebuild({
      db: client,
      name,
      version,
      fields: { ...options.flags, changed_by: options.actor ?? null, changed_at: new Date() },
    });
  });
};
