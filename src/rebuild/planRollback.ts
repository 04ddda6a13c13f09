import type pg from 'pg';
import { engineDefaults } from '../config/index.ts';
import { inSnapshot } from '../db/index.ts';
import { stableSchemaName } from '../definitions/index.ts';
import type { OperationPlan } from './OperationPlan.ts';
import { measuredAtCommit } from './planRebuild.ts';
import { readPlanState } from './readPlanState.ts';
import { switchTransaction } from './switchStatements.ts';

/**
 * What `rollback` would run, found without changing anything (one read-only snapshot): the
 * switch back to the version that served before the active one, the same transaction as a
 * cutover's (no checks: that version served reads already), with the refusal it would meet now.
 */
export const planRollback = async (options: {
  pool: pg.Pool;
  name: string;
  actor: string;
}): Promise<OperationPlan> => {
  const { pool, name, actor } = options;
  return inSnapshot(pool, async (db) => {
    const state = await readPlanState(db, name);
    const { active, previous } = state;
    const status = state.rows.find((r) => r.version === previous)?.state.status ?? null;
    const refusal =
      state.rows.length === 0
        ? `no projection named ${name}`
        : active === null
          ? `${name} serves no version; there is nothing to roll back`
          : previous === null
            ? `${name} v${active} was its first version to serve reads; there is none to roll back to`
            : status !== 'standby'
              ? `${name} v${previous} served before v${active} but is ${status ?? 'gone'}, not standby`
              : null;
    const lockTimeoutMs = engineDefaults.cutover.lockTimeoutMs;
    return {
      operation: 'rollback',
      name,
      version: previous,
      status,
      active,
      refusal,
      notes: ['no checks run: the version rolled back to served reads before; it must be caught up'],
      steps:
        previous === null
          ? []
          : [
              {
                title: `switch back to v${previous}, one transaction; lock_timeout ${lockTimeoutMs} ms, attempts retried within ${engineDefaults.cutover.maxWaitMs} ms`,
                statements: switchTransaction({
                  name,
                  version: previous,
                  stable: stableSchemaName(name),
                  tables: await state.tablesOf(previous),
                  views: state.views,
                  from: active,
                  lockTimeoutMs,
                  actor,
                  tookMs: measuredAtCommit,
                }),
              },
            ],
    };
  });
};
