import type pg from 'pg';
import { ProjectionistError } from '../errors/index.ts';
import { lockProjection, type VersionStatus } from '../registry/index.ts';

/**
 * Locks a projection's row (as a cutover does, so neither can change under the other) and
 * answers the version's status and whether it is the active one. PRJ_NOT_FOUND when the
 * version is not registered. Meant for the caller's transaction.
 */
export const lockVersion = async (
  client: pg.PoolClient,
  name: string,
  version: number,
): Promise<{ status: VersionStatus; active: boolean }> => {
  const row = await lockProjection({ db: client, name, version });
  if (row === undefined || row.status === null)
    throw new ProjectionistError('PRJ_NOT_FOUND', `${name} has no version ${version}`, {
      details: { name, version },
    });
  return { status: row.status, active: row.activeVersion === version };
};
