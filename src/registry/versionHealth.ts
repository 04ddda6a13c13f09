import type { ParkedCount } from './countParked.ts';
import type { VersionState } from './versionState.ts';

/**
 * Whether a version's rows hold every event it has read: `ok`; `degraded`, events are parked
 * (policy park: it moves on without them, and their streams wait behind them); `failed`, it
 * stopped (policy stop, or a fault no retry fixes) with the reason. Never `live` and ok while
 * an event is missing.
 */
export type VersionHealth =
  | { readonly status: 'ok' }
  | {
      readonly status: 'degraded';
      readonly parked: number;
      readonly failed: number;
      readonly waiting: number;
      /** The oldest parked event's reason. */
      readonly reason: string;
    }
  | { readonly status: 'failed'; readonly reason: string; readonly parked: number };

export const versionHealth = (state: VersionState, parked: ParkedCount): VersionHealth => {
  if (state.status === 'failed') return { status: 'failed', reason: state.reason, parked: parked.total };
  if (parked.total === 0) return { status: 'ok' };
  return {
    status: 'degraded',
    parked: parked.total,
    failed: parked.failed,
    waiting: parked.waiting,
    reason: `${parked.oldest?.eventId ?? '?'}: ${parked.oldest?.reason ?? '?'}`,
  };
};
