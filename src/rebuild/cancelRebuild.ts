import { flagVersion, type VersionVerbOptions } from './flagVersion.ts';

/**
 * Stops a version's build: the engine flushes what it applied and lets the version be. It stays
 * 'building', with its tables and checkpoints, idle until resumed or requested again (which go
 * on from the checkpoints) or retired. Refuses a version that is not building (PRJ_VERSION_STATE).
 */
export const cancelRebuild = (options: VersionVerbOptions): Promise<void> =>
  flagVersion({
    ...options,
    flags: { cancelled: true, requested_at: null },
    refuse: (status) => (status === 'building' ? undefined : `${status}, not building`),
  });
