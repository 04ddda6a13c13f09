import type pg from 'pg';
import type { SwitchState } from './decideSwitch.ts';
import { readLastSwitch, readVersionRows } from '../registry/index.ts';

/**
 * What decideSwitch needs about a projection: every version's row (state, flags, the active
 * version) and the last change of hands in the audit. Inside the switching transaction, after
 * the projection row is locked (`for update`), nothing it reads can change until the commit:
 * cutovers, rollbacks, pauses, resumes, cancels and retirements all take that lock first.
 */
export const readSwitchState = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
}): Promise<SwitchState> => {
  const { db, name } = options;
  const rows = await readVersionRows({ db, names: [name] });
  return { rows, last: await readLastSwitch({ db, name }) };
};
