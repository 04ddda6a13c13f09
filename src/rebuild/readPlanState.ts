import type pg from 'pg';
import { runStatement } from '../db/index.ts';
import { stableSchemaName, versionSchemaName } from '../definitions/index.ts';
import { readRollbackTarget, readVersionRows, type VersionRow } from '../registry/index.ts';
import { stableViewsStatement, versionTablesStatement } from './switchStatements.ts';

export type PlanState = {
  /** Every registered version of the projection. */
  readonly rows: readonly VersionRow[];
  readonly active: number | null;
  /** The version that served before the active one (a rollback's target). */
  readonly previous: number | null;
  /** The stable views there are now. */
  readonly views: readonly string[];
  /** Per version, the tables its schema holds now. */
  tablesOf(version: number): Promise<string[]>;
};

/**
 * What a plan reads of PostgreSQL, through the same statements the operations run (the tables
 * and views a switch reads), on `db`: the caller's read-only transaction.
 */
export const readPlanState = async (db: pg.PoolClient, name: string): Promise<PlanState> => {
  const rows = await readVersionRows({ db, names: [name] });
  const target = await readRollbackTarget({ db, name });
  const views = (
    await runStatement<{ viewname: string }>(db, stableViewsStatement(stableSchemaName(name)))
  ).rows.map((r) => r.viewname);
  return {
    rows,
    active: target?.activeVersion ?? null,
    previous: target?.previous ?? null,
    views,
    tablesOf: async (version) =>
      (
        await runStatement<{ tablename: string }>(
          db,
          versionTablesStatement(versionSchemaName(name, version)),
        )
      ).rows.map((r) => r.tablename),
  };
};
