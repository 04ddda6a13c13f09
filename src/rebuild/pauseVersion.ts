import { flagVersion, type VersionVerbOptions } from './flagVersion.ts';

/**
 * Stops all work on a version until it is resumed: the engine holding it flushes what it
 * applied, lets its lease go, and no engine takes it. A paused build keeps its target and
 * checkpoints; a paused live version still serves reads, but they go stale. Refuses a retired
 * version (PRJ_VERSION_STATE).
 */
export const pauseVersion = (options: VersionVerbOptions): Promise<void> =>
  flagVersion({
    ...options,
    flags: { paused: true },
    refuse: (status) => (status === 'retired' ? 'retired' : undefined),
  });
