import type pg from 'pg';
import { engineDefaults } from '../config/index.ts';
import { inSnapshot } from '../db/index.ts';
import type { OperationPlan } from './OperationPlan.ts';
import { readPlanState } from './readPlanState.ts';
import { retireTransaction } from './retire.ts';

/**
 * What `retire` would run, found without changing anything (one read-only snapshot): its one
 * transaction (lock_timeout, the projection row's lock, the lease fenced, the schema dropped, the
 * checkpoints deleted, the version marked retired), with the refusal it would meet now.
 */
export const planRetire = async (options: {
  pool: pg.Pool;
  name: string;
  version: number;
  actor: string;
}): Promise<OperationPlan> => {
  const { pool, name, version, actor } = options;
  return inSnapshot(pool, async (db) => {
    const state = await readPlanState(db, name);
    const status = state.rows.find((r) => r.version === version)?.state.status ?? null;
    const refusal =
      status === null
        ? `${name} has no version ${version}`
        : state.active === version
          ? `${name} v${version} serves reads; cut over to another version (or roll back) before retiring it`
          : status === 'retired'
            ? `${name} v${version} is retired already`
            : null;
    const tables = await state.tablesOf(version);
    const lockTimeoutMs = engineDefaults.rebuild.retireLockTimeoutMs;
    return {
      operation: 'retire',
      name,
      version,
      status,
      active: state.active,
      refusal,
      notes: [
        `drops ${tables.length} table(s) with their rows: ${tables.join(', ') || '(none)'}; a retired version can be built again from scratch`,
      ],
      steps: [
        {
          title: `retire, one transaction; lock_timeout ${lockTimeoutMs} ms (it waits for a flush in flight)`,
          statements: retireTransaction({ name, version, actor, at: new Date(), lockTimeoutMs }),
        },
      ],
    };
  });
};
