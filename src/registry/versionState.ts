import { ProjectionistError } from '../errors/index.ts';
/** Where a projection version is in its life. */
export type VersionState =
  /** Replaying the log into bare tables. */
  | { readonly status: 'building' }
  /** Replayed; tailing until it reaches the head of the log. */
  | { readonly status: 'catching-up' }
  /** Serving the stable views. */
  | { readonly status: 'live' }
  /** Tailing beside the live version, ready for an instant rollback. */
  | { readonly status: 'standby' }
  /** Stopped by an error that a retry cannot fix (a handler bug); needs new code. */
  | { readonly status: 'failed'; readonly reason: string }
  /** Its schema is dropped or about to be. */
  | { readonly status: 'retired' };

export type VersionStatus = VersionState['status'];

export const versionStateOf = (status: string, reason: string | null): VersionState => {
  switch (status) {
    case 'building':
    case 'catching-up':
    case 'live':
    case 'standby':
    case 'retired':
      return { status };
    case 'failed':
      return { status, reason: reason ?? 'unknown' };
    default:
      throw new ProjectionistError('PRJ_INTERNAL', `unknown version status ${JSON.stringify(status)}`);
  }
};
