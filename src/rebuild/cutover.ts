import { switchVersion, type CutoverResult, type SwitchOptions } from './switchVersion.ts';

/**
 * Points a projection's stable views at `version`, on an operator's word. Refuses, changing
 * nothing, a version that cannot serve (failed, retired, paused, already active:
 * PRJ_VERSION_STATE), one that is not caught up (building, or records behind the current high
 * watermarks: PRJ_NOT_CAUGHT_UP) or that fails its checks against the active version
 * (PRJ_CHECK_FAILED, the differences in the details), and one whose projection changed hands
 * since it began (PRJ_VERSION_STATE: the checks ran against another version). Then one
 * transaction, deciding all of this again under the projection row's lock, repoints the views and
 * writes the audit row, taking its locks with a short lock_timeout and retrying within
 * `maxWaitMs`; when it gives up, PRJ_CUTOVER_BLOCKED names the sessions that held the locks.
 * The version it replaces becomes standby and keeps tailing, ready for a rollback.
 */
export const cutover = (options: SwitchOptions): Promise<CutoverResult> =>
  switchVersion({ ...options, intent: { kind: 'cutover' }, verify: true });
