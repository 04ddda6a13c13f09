import type { OffsetVector, Position } from '../log/index.ts';

/** The lifecycle of a reactor runner, as typed events. */
export type ReactorEvents = {
  'reactor:started': { readonly name: string; readonly from: OffsetVector };
  'reactor:fired': {
    readonly name: string;
    readonly type: string;
    readonly eventId: string;
    readonly position: Position;
  };
  'reactor:skipped': { readonly name: string; readonly position: Position; readonly reason: string };
  /** A handler (or the runner) failed; the same event is tried again after `retryInMs`. */
  'reactor:error': { readonly name: string; readonly error: unknown; readonly retryInMs: number };
  'reactor:stopped': { readonly name: string };
};
