import { ProjectionistError } from '../errors/index.ts';
import { switchVersion, type CutoverResult, type SwitchOptions } from './switchVersion.ts';
import { readRollbackTarget, readVersionRow } from '../registry/index.ts';

/**
 * Undoes the last cutover of a projection: points its stable views back at the version that
 * served before the active one (from the audit), which kept tailing as a standby. The same
 * instant switch as a cutover, without the checks (that version served reads already); it still
 * refuses a version that fell behind (PRJ_NOT_CAUGHT_UP: it was paused) or is no longer standby
 * (PRJ_VERSION_STATE: retired), and one with no earlier version (PRJ_VERSION_STATE). The
 * transaction that switches refuses it too when the projection changed hands since (another
 * cutover committed first: PRJ_VERSION_STATE), so it never rolls back from a version it did not
 * look at. A rollback stands: the engine makes no automatic cutover of the projection after it
 * until an operator cuts over (decideSwitch).
 */
export const rollback = async (options: Omit<SwitchOptions, 'version'>): Promise<CutoverResult> => {
  const { pool, name } = options;
  const row = await readRollbackTarget({ db: pool, name });
  if (row === undefined) throw new ProjectionistError('PRJ_NOT_FOUND', `no projection named ${name}`);
  if (row.activeVersion === null || row.previous === null)
    throw new ProjectionistError(
      'PRJ_VERSION_STATE',
      row.activeVersion === null
        ? `${name} serves no version; there is nothing to roll back`
        : `${name} v${row.activeVersion} was its first version to serve reads; there is none to roll back to`,
      { details: { name, active: row.activeVersion } },
    );
  const previous = await readVersionRow({ db: pool, name, version: row.previous });
  if (previous?.state.status !== 'standby')
    throw new ProjectionistError(
      'PRJ_VERSION_STATE',
      `${name} v${row.previous} served before v${row.activeVersion} but is ${previous?.state.status ?? 'gone'}, not standby`,
      { details: { name, version: row.previous, status: previous?.state.status ?? null } },
    );
  return switchVersion({
    ...options,
    version: row.previous,
    intent: { kind: 'rollback' },
    expectedActive: row.activeVersion,
    verify: false,
  });
};
