import type pg from 'pg';
import { runStatement, type Statement } from '../db/index.ts';
import type { VersionStatus } from './versionState.ts';

/** A projection's row as its lock holder sees it, with one version's status. */
export type LockedProjection = {
  /** The schema of its stable views. */
  readonly schemaName: string;
  readonly activeVersion: number | null;
  /** The status of the version asked about; null when it is not registered. */
  readonly status: VersionStatus | null;
};

/** The lock of a projection's row, as a statement (a plan prints it). */
export const lockProjectionStatement = (options: { name: string; version: number }): Statement => ({
  text: `select p.schema_name, p.active_version, v.status from projectionist.projections p
     left join projectionist.versions v on v.name = p.name and v.version = $2
     where p.name = $1 for update of p`,
  values: [options.name, options.version],
});

/**
 * Locks a projection's row (`for update`) until the caller's transaction ends and reads it with
 * one version's status. Every change of hands and every operator's change to its versions takes
 * this lock first, so they never interleave. Undefined for an unknown projection. One statement.
 */
export const lockProjection = async (options: {
  db: pg.PoolClient;
  name: string;
  version: number;
}): Promise<LockedProjection | undefined> => {
  const result = await runStatement<{
    schema_name: string;
    active_version: number | null;
    status: VersionStatus | null;
  }>(options.db, lockProjectionStatement(options));
  const row = result.rows[0];
  return row === undefined
    ? undefined
    : { schemaName: row.schema_name, activeVersion: row.active_version, status: row.status };
};
