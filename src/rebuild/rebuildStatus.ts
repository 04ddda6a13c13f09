import type pg from 'pg';
import { highWatermarks, offsetDistance, type LogClient } from '../log/index.ts';
import {
  countParked,
  findDrift,
  parkedOf,
  versionHealth,
  type DefinitionDrift,
  type ParkedCount,
  type VersionHealth,
  type VersionState,
  readVersionRows,
  readShadowReads,
  type ShadowTally,
  type VersionRow,
  type Verification,
} from '../registry/index.ts';
import { type ProjectionDefinition } from '../definitions/index.ts';

/**
 * What a version is doing, in one word, for status tables:
 * waiting (for a rebuild request), queued (requested, not started), replaying, indexing,
 * catching-up, ready (caught up, not serving: awaiting a cutover), live, standby, paused,
 * cancelled, failed, retired.
 */
export type RebuildActivity =
  | 'waiting'
  | 'queued'
  | 'replaying'
  | 'indexing'
  | 'catching-up'
  | 'ready'
  | 'live'
  | 'standby'
  | 'paused'
  | 'cancelled'
  | 'failed'
  | 'retired';

export type VersionReport = {
  readonly version: number;
  readonly state: VersionState;
  readonly activity: RebuildActivity;
  /** `degraded` with the parked count while events are parked; `failed` with the reason. */
  readonly health: VersionHealth;
  readonly parked: ParkedCount;
  readonly active: boolean;
  /** Among the definitions given; null when none were. */
  readonly deployed: boolean | null;
  /** Records between its committed checkpoints and the high watermarks now. */
  readonly lag: bigint;
  /** The build: records replayed up to the target, of `target`; null before a build started. */
  readonly applied: bigint;
  readonly target: bigint | null;
  /** Records per second of the build, and the time left at that rate. */
  readonly rate: number | null;
  readonly etaMs: number | null;
  readonly paused: boolean;
  readonly cancelled: boolean;
  readonly requested: boolean;
  readonly lease: { readonly holder: string; readonly expiresAt: Date; readonly held: boolean } | null;
  /** Its code changed since it was registered: bump the version. */
  readonly drift: DefinitionDrift | null;
  readonly startedAt: Date | null;
  readonly builtAt: Date | null;
  readonly caughtUpAt: Date | null;
  readonly verification: Verification | null;
  /** The checks its deployed definition declares (0: it is unverified); null when not deployed or no definitions were given. */
  readonly declaredChecks: number | null;
  /** What shadow reads of it found against the active version (every serving process's); null when none ran. */
  readonly shadow: ShadowTally | null;
  readonly changedBy: string | null;
};

export type ProjectionReport = {
  readonly name: string;
  readonly activeVersion: number | null;
  readonly versions: readonly VersionReport[];
};

const activityOf = (row: VersionRow): RebuildActivity => {
  const { status } = row.state;
  if (status === 'failed' || status === 'retired') return status;
  if (row.paused) return 'paused';
  if (status === 'building') {
    if (row.cancelled) return 'cancelled';
    if (row.phase === 'indexing') return 'indexing';
    if (row.startedAt !== null || row.hasTables) return 'replaying';
    return row.requestedAt === null ? 'waiting' : 'queued';
  }
  if (status === 'catching-up') return row.caughtUpAt === null ? 'catching-up' : 'ready';
  return status;
};

/**
 * Every registered projection and version as operators see them: state and activity, whether
 * it serves reads, lag behind the head of the log, build progress (records, rate, ETA), pause,
 * cancel and request flags, the lease holder, definition drift (with `definitions`), and its
 * health: `degraded` with the count of parked events, or `failed` with the reason.
 * What `projectionist status` and GET /admin/projections show. Works from any process whose
 * registry is migrated (serve and `projectionist migrate` migrate it at start; `status` only asks).
 */
export const rebuildStatus = async (options: {
  pool: pg.Pool;
  client: LogClient;
  definitions?: readonly ProjectionDefinition[];
}): Promise<ProjectionReport[]> => {
  const { pool, client, definitions } = options;
  const [rows, head, drifts, parked, shadows] = await Promise.all([
    readVersionRows({ db: pool }),
    highWatermarks({ client, topic: client.topics.events }),
    definitions === undefined ? Promise.resolve([]) : findDrift({ pool, definitions }),
    countParked({ db: pool }),
    readShadowReads({ db: pool }),
  ]);
  const reports = new Map<
    string,
    { name: string; activeVersion: number | null; versions: VersionReport[] }
  >();
  for (const row of rows) {
    const report = reports.get(row.name) ?? {
      name: row.name,
      activeVersion: row.activeVersion,
      versions: [],
    };
    reports.set(row.name, report);
    const count = parkedOf(parked, row.name, row.version);
    report.versions.push({
      version: row.version,
      state: row.state,
      activity: activityOf(row),
      health: versionHealth(row.state, count),
      parked: count,
      active: row.activeVersion === row.version,
      deployed:
        definitions === undefined
          ? null
          : definitions.some((d) => d.name === row.name && d.version === row.version),
      lag: offsetDistance(row.checkpoints, head),
      applied: row.applied,
      target: row.targetTotal,
      rate: row.rate,
      etaMs: row.etaMs,
      paused: row.paused,
      cancelled: row.cancelled,
      requested: row.requestedAt !== null,
      lease:
        row.lease === null
          ? null
          : { holder: row.lease.holder, expiresAt: row.lease.expiresAt, held: row.lease.held },
      drift: drifts.find((d) => d.name === row.name && d.version === row.version) ?? null,
      startedAt: row.startedAt,
      builtAt: row.builtAt,
      caughtUpAt: row.caughtUpAt,
      verification: row.verification,
      declaredChecks:
        definitions?.find((d) => d.name === row.name && d.version === row.version)?.checks.length ?? null,
      shadow:
        shadows.find(
          (t) => t.name === row.name && t.version === row.version && t.against === row.activeVersion,
        ) ?? null,
      changedBy: row.changedBy,
    });
  }
  return [...reports.values()];
};
