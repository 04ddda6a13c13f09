import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { engineDefaults } from '../config/index.ts';
import { inSnapshot } from '../db/index.ts';
import {
  fillTables,
  qualifiedName,
  toPgText,
  type ProjectionDefinition,
  type Row,
  type TableModel,
} from '../definitions/index.ts';
import { offsetDistance } from '../log/index.ts';
import { decodeRow } from '../projections/index.ts';
import { rowsStatement, type RowsQuery } from '../queries/index.ts';
import { readCheckpoints } from '../registry/index.ts';

/** One read as a client made it of the active version: its table and query. */
export type ShadowedRead = Omit<RowsQuery, 'table'> & { readonly table: string };

/** A key of the read's table, as PostgreSQL's text of each key column. */
export type ShadowKey = Readonly<Record<string, string | null>>;

/**
 * What reading again from the candidate found: the same page (`equal`), another (`differing`,
 * with the keys whose rows differ), no comparison because the versions stood at different log
 * positions for the whole wait (`unaligned`), or a candidate read that failed (`error`).
 */
export type ShadowOutcome =
  | { readonly kind: 'equal' }
  | { readonly kind: 'differing'; readonly keys: readonly ShadowKey[] }
  | { readonly kind: 'unaligned' }
  | { readonly kind: 'error'; readonly message: string };

/**
 * Where the candidate's rows in the shape of the active version's `table` come from: its
 * `readAs` query for that table, or its own table of the same name when that has every column
 * the active one has; undefined when neither.
 */
export const candidateRelation = (candidate: ProjectionDefinition, table: TableModel): string | undefined => {
  const mapped = candidate.readAs?.[table.name];
  if (mapped !== undefined) return `(${fillTables(mapped, candidate.model.schema)})`;
  const own = candidate.model.tables.get(table.name);
  return own !== undefined && table.columns.every((c) => own.columnsByName.get(c.name)?.type === c.type)
    ? qualifiedName(candidate.model.schema, table.name)
    : undefined;
};

const keyOf = (table: TableModel, row: Row): ShadowKey =>
  Object.fromEntries(table.primaryKey.map((c) => [c.name, toPgText(c.type, row[c.name] ?? null)]));

const canonical = (row: Row): string =>
  JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** The keys whose rows are not the same in both pages (in one, in the other, or changed), in page order. */
const differingKeys = (table: TableModel, ours: readonly Row[], theirs: readonly Row[]): ShadowKey[] => {
  const index = (rows: readonly Row[]) => new Map(rows.map((r) => [JSON.stringify(keyOf(table, r)), r]));
  const a = index(ours);
  const b = index(theirs);
  const keys = new Set([...a.keys(), ...b.keys()]);
  const out: ShadowKey[] = [];
  for (const key of keys) {
    const x = a.get(key);
    const y = b.get(key);
    if (x === undefined || y === undefined || canonical(x) !== canonical(y))
      out.push(JSON.parse(key) as ShadowKey);
  }
  return out;
};

/**
 * Reads a client's read again from the active version's own table and from the candidate (through
 * `candidateRelation`), in one repeatable-read snapshot that also reads both versions' checkpoints,
 * and compares the two pages row by row. A difference found while the versions stand at different
 * positions is read again (every 20 ms, up to `alignWaitMs`), as events in flight are not a
 * difference; when they never meet, the answer is `unaligned`. Never throws: a failure is `error`.
 */
export const compareRead = async (options: {
  pool: pg.Pool;
  active: ProjectionDefinition;
  candidate: ProjectionDefinition;
  read: ShadowedRead;
  alignWaitMs?: number;
}): Promise<ShadowOutcome> => {
  const { pool, active, candidate, read } = options;
  try {
    const table = active.model.tables.get(read.table);
    if (table === undefined) return { kind: 'error', message: `${active.name} has no table ${read.table}` };
    const relation = candidateRelation(candidate, table);
    if (relation === undefined)
      return {
        kind: 'error',
        message: `v${candidate.version} has no table ${table.name} with v${active.version}'s columns and declares no readAs for it`,
      };
    const query = { ...read, table };
    const ours = rowsStatement(query, table.qualified);
    const theirs = rowsStatement(query, relation);
    const deadline = performance.now() + (options.alignWaitMs ?? engineDefaults.shadowReads.alignWaitMs);
    for (;;) {
      const outcome = await inSnapshot(pool, async (client): Promise<ShadowOutcome | undefined> => {
        const a = await readCheckpoints({ db: client, name: active.name, version: active.version });
        const b = await readCheckpoints({ db: client, name: candidate.name, version: candidate.version });
        const aligned = offsetDistance(a, b) === 0n && offsetDistance(b, a) === 0n;
        const rows = async (statement: typeof ours) =>
          (await client.query<Record<string, unknown>>(statement.text, statement.params)).rows
            .slice(0, statement.limit)
            .map((raw) => decodeRow(table, raw));
        const keys = differingKeys(table, await rows(ours), await rows(theirs));
        if (keys.length === 0) return { kind: 'equal' };
        if (aligned) return { kind: 'differing', keys };
        return performance.now() < deadline ? undefined : { kind: 'unaligned' };
      });
      if (outcome !== undefined) return outcome;
      await sleep(20);
    }
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
};
