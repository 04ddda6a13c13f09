import type pg from 'pg';
import { ProjectionistError } from '../errors/index.ts';
import { inTransaction } from '../db/index.ts';
import { deleteLease, setVersionState, type VersionStatus, writeRebuild } from '../registry/index.ts';
import { lockVersion } from './lockVersion.ts';
import { retiredHolder } from './retire.ts';

export type RebuildRequest = {
  readonly name: string;
  readonly version: number;
  readonly fromScratch: boolean;
  /** The version's status before the request; it is 'building' after it. */
  readonly previousStatus: VersionStatus;
};

/**
 * Asks the engines to build a version: one that is waiting for a request (PROJECTIONIST_AUTO_REBUILD
 * off), cancelled, failed, or retired (which always builds from scratch). `fromScratch` empties
 * its tables and checkpoints first, and may build again a version that is built already (it
 * goes back to 'building'). Clears pause and cancel. Refuses the active version, whose tables
 * serve reads (PRJ_VERSION_STATE), and a built version without `fromScratch` (nothing to do).
 * A running engine picks the request up within its poll interval.
 */
export const requestRebuild = async (options: {
  pool: pg.Pool;
  name: string;
  version: number;
  fromScratch?: boolean;
  actor?: string;
}): Promise<RebuildRequest> => {
  const { pool, name, version } = options;
  return inTransaction(pool, async (client) => {
    const { status, active } = await lockVersion(client, name, version);
    const fromScratch = options.fromScratch === true || status === 'retired';
    if (active)
      throw new ProjectionistError(
        'PRJ_VERSION_STATE',
        `${name} v${version} serves reads; rebuild another version and cut over to it instead`,
        { details: { name, version, status, active } },
      );
    if ((status === 'catching-up' || status === 'standby') && !fromScratch)
      throw new ProjectionistError(
        'PRJ_VERSION_STATE',
        `${name} v${version} is built (${status}); ask for a rebuild from scratch to build it again`,
        { details: { name, version, status } },
      );
    if (status === 'retired') await deleteLease({ db: client, name, version, holder: retiredHolder });
    if (status !== 'building')
      await setVersionState({ db: client, name, version, state: { status: 'building' } });
    await writeRebuild({
      db: client,
      name,
      version,
      fields: {
        requested_at: new Date(),
        from_scratch: fromScratch,
        paused: false,
        cancelled: false,
        changed_by: options.actor ?? null,
        changed_at: new Date(),
      },
    });
    return { name, version, fromScratch, previousStatus: status };
  });
};
