import type pg from 'pg';
import { offsetVectorFromJson, type OffsetVector } from '../log/index.ts';
import type { Verification } from './verification.ts';
import { versionStateOf, type VersionState } from './versionState.ts';
import type { RebuildPhase } from './writeRebuild.ts';

/** Everything the registry knows about one projection version, as the rebuild engine reads it. */
export type VersionRow = {
  readonly name: string;
  readonly version: number;
  readonly state: VersionState;
  /** How long it has been in its state (by the database's clock). */
  readonly stateAgeMs: number;
  /** The version the projection's stable views point at, or null. */
  readonly activeVersion: number | null;
  readonly definitionHash: string;
  /** Whether its schema holds any table (a build has begun). */
  readonly hasTables: boolean;
  readonly requestedAt: Date | null;
  readonly fromScratch: boolean;
  readonly paused: boolean;
  readonly cancelled: boolean;
  readonly changedBy: string | null;
  readonly target: OffsetVector | null;
  readonly targetTotal: bigint | null;
  readonly startedAt: Date | null;
  readonly phase: RebuildPhase | null;
  readonly applied: bigint;
  readonly rate: number | null;
  readonly etaMs: number | null;
  readonly builtAt: Date | null;
  readonly caughtUpAt: Date | null;
  readonly verification: Verification | null;
  readonly lease: {
    readonly holder: string;
    readonly token: bigint;
    readonly expiresAt: Date;
    /** Not expired: its holder may be writing. */
    readonly held: boolean;
  } | null;
  /** Next offset per partition, as committed with the rows. */
  readonly checkpoints: OffsetVector;
};

type Raw = {
  name: string;
  version: number;
  status: string;
  status_reason: string | null;
  state_age_ms: number;
  active_version: number | null;
  definition_hash: string;
  has_tables: boolean;
  requested_at: Date | null;
  from_scratch: boolean | null;
  paused: boolean | null;
  cancelled: boolean | null;
  changed_by: string | null;
  target: Record<string, string> | null;
  target_total: string | null;
  started_at: Date | null;
  phase: RebuildPhase | null;
  applied: string | null;
  rate: number | null;
  eta_ms: string | null;
  built_at: Date | null;
  caught_up_at: Date | null;
  verification: Verification | null;
  holder: string | null;
  token: string | null;
  expires_at: Date | null;
  held: boolean | null;
  checkpoints: Record<string, string> | null;
};

const toRow = (r: Raw): VersionRow => ({
  name: r.name,
  version: r.version,
  state: versionStateOf(r.status, r.status_reason),
  stateAgeMs: r.state_age_ms,
  activeVersion: r.active_version,
  definitionHash: r.definition_hash,
  hasTables: r.has_tables,
  requestedAt: r.requested_at,
  fromScratch: r.from_scratch ?? false,
  paused: r.paused ?? false,
  cancelled: r.cancelled ?? false,
  changedBy: r.changed_by,
  target: r.target === null ? null : offsetVectorFromJson(r.target),
  targetTotal: r.target_total === null ? null : BigInt(r.target_total),
  startedAt: r.started_at,
  phase: r.phase,
  applied: BigInt(r.applied ?? '0'),
  rate: r.rate,
  etaMs: r.eta_ms === null ? null : Number(r.eta_ms),
  builtAt: r.built_at,
  caughtUpAt: r.caught_up_at,
  verification: r.verification,
  lease:
    r.holder === null || r.token === null || r.expires_at === null
      ? null
      : { holder: r.holder, token: BigInt(r.token), expiresAt: r.expires_at, held: r.held === true },
  checkpoints: r.checkpoints === null ? new Map() : offsetVectorFromJson(r.checkpoints),
});

/**
 * The registered versions of the projections named (all when `names` is omitted), with their
 * rebuild flags and progress, lease and checkpoints, in name and version order. One statement.
 */
export const readVersionRows = async (options: {
  db: pg.Pool | pg.PoolClient;
  names?: readonly string[];
}): Promise<VersionRow[]> => {
  const result = await options.db.query<Raw>(
    `select v.name, v.version, v.status, v.status_reason, v.definition_hash,
            (extract(epoch from (now() - v.status_changed_at)) * 1000)::float8 as state_age_ms,
            p.active_version,
            exists (select 1 from pg_tables t where t.schemaname = p.schema_name || '__v' || v.version) as has_tables,
            r.requested_at, r.from_scratch, r.paused, r.cancelled, r.changed_by, r.target,
            r.target_total::text as target_total, r.started_at, r.phase, r.applied::text as applied, r.rate,
            r.eta_ms::text as eta_ms, r.built_at, r.caught_up_at, r.verification,
            l.holder, l.token::text as token, l.expires_at, l.expires_at > now() as held,
            (select jsonb_object_agg(c.partition::text, c.next_offset::text) from projectionist.checkpoints c
              where c.name = v.name and c.version = v.version) as checkpoints
     from projectionist.versions v
     join projectionist.projections p on p.name = v.name
     left join projectionist.rebuilds r on r.name = v.name and r.version = v.version
     left join projectionist.leases l on l.name = v.name and l.version = v.version
     where $1::text[] is null or v.name = any($1::text[])
     order by v.name, v.version`,
    [options.names === undefined ? null : [...options.names]],
  );
  return result.rows.map(toRow);
};

/** One version's row; undefined when it is not registered. */
export const readVersionRow = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
  version: number;
}): Promise<VersionRow | undefined> =>
  (await readVersionRows({ db: options.db, names: [options.name] })).find(
    (r) => r.version === options.version,
  );
