import type pg from 'pg';
import { runStatement, type Statement } from '../db/index.ts';
import type { VersionState, VersionStatus } from './versionState.ts';

type StateChange = {
  name: string;
  version: number;
  state: VersionState;
  onlyFrom?: VersionStatus;
};

/** A version's move to a new state, as a statement (a plan prints it). */
export const versionStateStatement = (options: StateChange): Statement => {
  const { name, version, state } = options;
  return {
    text: `update projectionist.versions
     set status = $3, status_reason = $4, status_changed_at = now(),
         built_at = case when $3 in ('building', 'failed') then built_at else coalesce(built_at, now()) end
     where name = $1 and version = $2 and ($5::text is null or status = $5)`,
    values: [
      name,
      version,
      state.status,
      state.status === 'failed' ? state.reason : null,
      options.onlyFrom ?? null,
    ],
  };
};

/**
 * Moves a version to a new state (only from `onlyFrom`, when given); `built_at` is set the first
 * time it leaves building.
 */
export const setVersionState = async (
  options: StateChange & { db: pg.Pool | pg.PoolClient },
): Promise<void> => {
  await runStatement(options.db, versionStateStatement(options));
};
