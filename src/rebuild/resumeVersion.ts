import { flagVersion, type VersionVerbOptions } from './flagVersion.ts';

/**
 * Lifts a pause or a cancel: an engine takes the version again within its poll interval and
 * goes on from its checkpoints (a build keeps the target it started with).
 */
export const resumeVersion = (options: VersionVerbOptions): Promise<void> =>
  flagVersion({ ...options, flags: { paused: false, cancelled: false } });
