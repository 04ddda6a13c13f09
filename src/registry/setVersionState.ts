import type pg from 'pg';
import type { VersionState, VersionStatus } from './versionState.ts';

/**
 * Moves a version to a new state (only from `onlyFrom`, when given); `built_at` is set the first
 * time it leaves building.
 */
export const setVersionState = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
  version: number;
  state: VersionState;
  onlyFrom?: VersionStatus;
}): Promise<void> => {
  const { db, name, version, state } = options;
  await db.query(
    `update projectionist.versions
     set status = $3, status_reason = $4, status_changed_at = now(),
         built_at = case when $3 in ('building', 'failed') then built_at else coalesce(built_at, now()) end
     where name = $1 and version = $2 and ($5::text is null or status = $5)`,
    [name, version, state.status, state.status === 'failed' ? state.reason : null, options.onlyFrom ?? null],
  );
};
