import type pg from 'pg';
import { offsetDistance, type OffsetVector } from '../log/index.ts';
import { countParked, parkedOf, type ParkedCount } from './countParked.ts';
import { versionHealth, type VersionHealth } from './versionHealth.ts';
import { versionStateOf, type VersionState } from './versionState.ts';

export type VersionSummary = {
  readonly version: number;
  readonly state: VersionState;
  /** `degraded` while events are parked, `failed` with the reason when it stopped. */
  readonly health: VersionHealth;
  readonly parked: ParkedCount;
  readonly definitionHash: string;
  readonly createdAt: Date;
  readonly builtAt: Date | null;
  readonly progress: Readonly<Record<string, unknown>>;
  /** Next offset per partition, as committed with the rows. */
  readonly positions: OffsetVector;
  /** Events behind the high watermarks given (transaction markers count too); null without them. */
  readonly lag: bigint | null;
};

export type ProjectionSummary = {
  readonly name: string;
  /** The schema of its stable views. */
  readonly schema: string;
  readonly activeVersion: number | null;
  readonly versions: readonly VersionSummary[];
};

/** Every registered projection with its versions, their states, health, parked events, positions and lag. */
export const listProjections = async (options: {
  pool: pg.Pool;
  /** The events topic's high watermarks, to measure lag against. */
  highWatermarks?: OffsetVector;
}): Promise<ProjectionSummary[]> => {
  const { pool, highWatermarks } = options;
  const [projections, versions, checkpoints, parked] = await Promise.all([
    pool.query<{ name: string; schema_name: string; active_version: number | null }>(
      `select name, schema_name, active_version from projectionist.projections order by name`,
    ),
    pool.query<{
      name: string;
      version: number;
      status: string;
      status_reason: string | null;
      definition_hash: string;
      created_at: Date;
      built_at: Date | null;
      progress: Record<string, unknown>;
    }>(
      `select name, version, status, status_reason, definition_hash, created_at, built_at, progress
       from projectionist.versions order by name, version`,
    ),
    pool.query<{ name: string; version: number; partition: number; next_offset: string }>(
      `select name, version, partition, next_offset::text as next_offset from projectionist.checkpoints`,
    ),
    countParked({ db: pool }),
  ]);
  const positions = new Map<string, Map<number, bigint>>();
  for (const c of checkpoints.rows) {
    const key = `${c.name}\u0000${c.version}`;
    const vector = positions.get(key) ?? new Map<number, bigint>();
    vector.set(c.partition, BigInt(c.next_offset));
    positions.set(key, vector);
  }
  return projections.rows.map((p) => ({
    name: p.name,
    schema: p.schema_name,
    activeVersion: p.active_version,
    versions: versions.rows
      .filter((v) => v.name === p.name)
      .map((v) => {
        const at = positions.get(`${v.name}\u0000${v.version}`) ?? new Map<number, bigint>();
        const state = versionStateOf(v.status, v.status_reason);
        const count = parkedOf(parked, v.name, v.version);
        return {
          version: v.version,
          state,
          health: versionHealth(state, count),
          parked: count,
          definitionHash: v.definition_hash,
          createdAt: v.created_at,
          builtAt: v.built_at,
          progress: v.progress,
          positions: at,
          lag: highWatermarks === undefined ? null : offsetDistance(at, highWatermarks),
        };
      }),
  }));
};
