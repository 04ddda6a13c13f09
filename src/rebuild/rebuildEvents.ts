import type { VersionRef as Version } from '../definitions/index.ts';
import type { ProjectionistError } from '../errors/index.ts';
import type { OffsetVector, Position } from '../log/index.ts';
import type { ProjectorEvents } from '../projections/index.ts';
import { type DefinitionDrift, type VersionStatus, type Verification } from '../registry/index.ts';

/** The lifecycle of rebuilds and cutovers, as typed events (metrics, progress bars, tests). */
export type RebuildEvents = {
  /** This process holds the lease and starts, or resumes, the bulk replay of a version. */
  'rebuild:started': Version & {
    readonly holder: string;
    /** The target vector: captured when the build first started, kept across crashes. */
    readonly target: OffsetVector;
    /** Records from the start of the log to the target. */
    readonly total: bigint;
    /** The checkpoints it starts from: empty for a new build. */
    readonly from: OffsetVector;
    readonly resumed: boolean;
    readonly fromScratch: boolean;
  };
  /** One committed batch of the bulk replay. */
  'rebuild:batch': Version & {
    /** Records up to the target that are committed with the rows (over all runs of this build). */
    readonly applied: bigint;
    readonly target: bigint;
    /** Records per second over the last few seconds. */
    readonly rate: number;
    /** Time left at that rate; null before a rate is known. */
    readonly etaMs: number | null;
    readonly positions: OffsetVector;
  };
  /** An event newer than this code stopped the replay; it retries (a newer process may take it). */
  'rebuild:waiting': Version & { readonly position: Position; readonly reason: string };
  /** The bulk replay reached its target; indexes are built and analyzed. Now it tails. */
  'rebuild:built': Version & { readonly total: bigint; readonly tookMs: number; readonly indexMs: number };
  /** It reached a fresh target read after the bulk replay: current, ready to take over. */
  'rebuild:caught-up': Version & { readonly positions: OffsetVector };
  /** The engine ran the version's checks before an automatic cutover. */
  'rebuild:verified': Verification;
  /** Another process holds the version's lease; this one waits to take over when it expires. */
  'rebuild:standby': Version & { readonly holder: string };
  /** This process stopped working on the version, and why. */
  'rebuild:stopped': Version & {
    readonly reason: 'paused' | 'cancelled' | 'retired' | 'failed' | 'rebuild-requested' | 'engine-stopped';
  };
  /** A fault a retry cannot fix: a truncated log, a handler bug. The version is marked failed. */
  'rebuild:failed': Version & { readonly error: ProjectionistError };
  /** A fault a retry may fix; it resumes from its checkpoints after `retryInMs`. */
  'rebuild:error': Version & { readonly error: unknown; readonly retryInMs: number };
  /** The stable views changed hands (by this engine or anyone: every instance reports each one). */
  'cutover:done': {
    readonly name: string;
    readonly from: number | null;
    readonly to: number;
    readonly actor: string;
    readonly tookMs: number;
    readonly at: Date;
  };
  /** An automatic cutover was refused (not caught up, checks failed, blocked); retried later. */
  'cutover:refused': Version & { readonly error: ProjectionistError };
  'version:retired': Version & { readonly actor: string | null };
  /** A version's state changed in the registry (seen at a poll). */
  'version:state': Version & { readonly from: VersionStatus; readonly to: VersionStatus };
  /** One flush of a version this engine runs (building or tailing), as its projector reported it. */
  'version:batch': ProjectorEvents['projector:batch'];
  /** Events a version this engine runs parked (or parked again on a retry). */
  'version:parked': ProjectorEvents['projector:parked'];
  /** Parked events a retry applied. */
  'version:released': ProjectorEvents['projector:released'];
  /** A registered version whose code changed: bump the version. */
  'version:drift': DefinitionDrift;
  /** The engine's own loop failed (the registry did not answer); it tries again at the next poll. */
  'engine:error': { readonly error: unknown };
};
