import type { VersionRef as Version } from '../definitions/index.ts';
import type { ProjectionistError } from '../errors/index.ts';
import type { OffsetVector, Position } from '../log/index.ts';
import type { DefinitionDrift, ParkedEvent } from '../registry/index.ts';

/** The lifecycle of a projector (live) or a replay, as typed events. */
export type ProjectorEvents = {
  'projector:started': Version & {
    readonly holder: string;
    readonly token: bigint;
    readonly from: OffsetVector;
    /** Tables that were empty at the start: their rows need no loading (a build from empty). */
    readonly emptyTables: readonly string[];
  };
  'projector:waiting-for-lease': Version & { readonly holder: string };
  'projector:drift': DefinitionDrift;
  /** One flush: what was applied since the previous one, what was written, and where it stands. */
  'projector:batch': Version & {
    readonly applied: number;
    /** Events parked (see 'projector:parked'). */
    readonly parked: number;
    /** Records of types this projection does not read. */
    readonly ignored: number;
    readonly skipped: number;
    /** Rows read from the tables before applying. */
    readonly loaded: number;
    /** Extra load rounds for rows handlers read without declaring them in keys(): declare them. */
    readonly lateLoads: number;
    readonly inserted: number;
    readonly upserted: number;
    readonly deleted: number;
    readonly statements: number;
    readonly positions: OffsetVector;
    readonly flushMs: number;
  };
  'projector:skipped': Version & {
    readonly position: Position;
    readonly type: string | undefined;
    readonly reason: string;
  };
  /**
   * Events the version could not take, committed as parked with the positions that pass them
   * (`retrying`: parked again by a retry). The version moves on; their streams wait behind them.
   */
  'projector:parked': Version & {
    readonly retrying: boolean;
    readonly events: readonly Omit<ParkedEvent, 'envelope'>[];
  };
  /** Parked events a retry applied, committed with their rows; their streams flow again. */
  'projector:released': Version & { readonly positions: readonly Position[] };
  /** An event newer than this code: the projector stopped before it and will retry (the test kit only). */
  'projector:waiting': Version & {
    readonly position: Position;
    readonly reason: string;
    readonly retryAfterMs: number;
  };
  /** Reached the high watermarks seen when it started (a replay reached its target). */
  'projector:caught-up': Version & { readonly positions: OffsetVector };
  /** A fault a retry may fix (a lost connection, a failed commit): it resumes from its checkpoints. */
  'projector:error': Version & { readonly error: unknown; readonly retryInMs: number };
  'projector:lease-lost': Version;
  /** A fault a retry cannot fix (a handler bug): the version is marked failed and the projector stops. */
  'projector:failed': Version & { readonly error: ProjectionistError };
  'projector:stopped': Version;
};
