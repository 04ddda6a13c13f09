import type pg from 'pg';
import { runStatement, type Statement } from '../db/index.ts';

/** What the process holding a version's lease is doing with it. */
export type RebuildPhase = 'replaying' | 'indexing' | 'tailing';

/** Columns of projectionist.rebuilds a writer may set; values as PostgreSQL takes them. */
export type RebuildFields = {
  readonly requested_at?: Date | null;
  readonly from_scratch?: boolean;
  readonly paused?: boolean;
  readonly cancelled?: boolean;
  readonly changed_by?: string | null;
  readonly changed_at?: Date | null;
  /** An offset vector as JSON ({"0": "123"}). */
  readonly target?: Readonly<Record<string, string>> | null;
  /** A bigint as a decimal string. */
  readonly target_total?: string | null;
  readonly started_at?: Date | null;
  readonly phase?: RebuildPhase | null;
  /** A bigint as a decimal string. */
  readonly applied?: string;
  readonly positions?: Readonly<Record<string, string>> | null;
  readonly rate?: number | null;
  readonly eta_ms?: number | null;
  readonly built_at?: Date | null;
  readonly caught_up_at?: Date | null;
  readonly verification?: unknown;
};

const jsonColumns = new Set(['target', 'positions', 'verification']);

/** Some columns of a version's rebuild row, set, as a statement (a plan prints it). */
export const rebuildStatement = (options: {
  name: string;
  version: number;
  fields: RebuildFields;
}): Statement => {
  const { name, version, fields } = options;
  // Column names come from the RebuildFields type, never from input.
  const columns = Object.keys(fields).filter((c) => fields[c as keyof RebuildFields] !== undefined);
  const values = columns.map((c) => {
    const value = fields[c as keyof RebuildFields];
    return jsonColumns.has(c) && value !== null ? JSON.stringify(value) : value;
  });
  const list = ['updated_at', ...columns].join(', ');
  const placeholders = ['now()', ...columns.map((_, i) => `$${i + 3}`)].join(', ');
  const updates = ['updated_at = excluded.updated_at', ...columns.map((c) => `${c} = excluded.${c}`)];
  return {
    text: `insert into projectionist.rebuilds (name, version, ${list}) values ($1, $2, ${placeholders})
     on conflict (name, version) do update set ${updates.join(', ')}`,
    values: [name, version, ...values],
  };
};

/**
 * Sets some columns of a version's rebuild row, making the row when it is missing (every other
 * column keeps its value or default). The version must be registered.
 */
export const writeRebuild = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
  version: number;
  fields: RebuildFields;
}): Promise<void> => {
  await runStatement(options.db, rebuildStatement(options));
};
