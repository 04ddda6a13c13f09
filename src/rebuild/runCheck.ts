import { ProjectionistError } from '../errors/index.ts';
import type { CheckResult } from '../registry/index.ts';
import type pg from 'pg';
import { compareRows } from './compareRows.ts';
import {
  fillTables,
  qualifiedName,
  quoteIdentifier,
  versionSchemaName,
  type ProjectionCheck,
  type ProjectionDefinition,
  type TablesSpec,
} from '../definitions/index.ts';

export type { CheckResult };

const scalar = async (client: pg.PoolClient, sql: string): Promise<string> =>
  (await client.query<{ value: string | null }>(sql)).rows[0]?.value ?? '0';

const measure = (check: ProjectionCheck<TablesSpec>, relation: string, column: string): string =>
  check.kind === 'same-sum'
    ? `select coalesce(sum(${quoteIdentifier(column)}), 0)::text as value from ${relation}`
    : `select count(*)::text as value from ${relation}`;

/**
 * Runs one declared check inside the caller's (read-only, repeatable read) transaction, under a
 * savepoint, so that a check whose SQL fails is reported as failed and the others still run.
 * `against` is the version compared with (the active one), or null when there is none.
 */
export const runCheck = async (options: {
  client: pg.PoolClient;
  definition: ProjectionDefinition;
  check: ProjectionCheck<TablesSpec>;
  against: number | null;
}): Promise<CheckResult> => {
  const { client, definition, check, against } = options;
  const base = { check: check.name, kind: check.kind };
  await client.query('savepoint pj_check');
  try {
    let result: CheckResult;
    if (check.kind === 'no-rows') {
      const sql = fillTables(check.sql, definition.model.schema);
      const found = await scalar(client, `select count(*)::text as value from (${sql}) as q`);
      const sample =
        found === '0'
          ? []
          : (await client.query<Record<string, unknown>>(`select * from (${sql}) as q limit 3`)).rows;
      result = {
        ...base,
        expected: '0',
        actual: found,
        ok: found === '0',
        ...(found === '0' ? {} : { sample }),
      };
    } else if (check.kind === 'same-rows') {
      result =
        against === null
          ? { ...base, expected: null, actual: null, ok: true, note: 'no active version to compare with' }
          : await compareRows({ client, definition, check, against }).then(
              ({ expected, actual, content }) => ({
                ...base,
                expected,
                actual,
                ok: content.differingRanges === 0,
                content,
              }),
            );
    } else {
      const table = definition.model.tables.get(check.table);
      const column = check.kind === 'same-sum' ? check.column : '';
      if (table === undefined)
        throw new ProjectionistError(
          'PRJ_PROJECTION_INVALID',
          `${check.table} is not a table of this version`,
        );
      const actual = await scalar(client, measure(check, table.qualified, column));
      if (against === null) {
        result = { ...base, expected: null, actual, ok: true, note: 'no active version to compare with' };
      } else {
        const previousTable =
          check.kind === 'same-sum'
            ? (check.previous?.table ?? check.table)
            : (check.previousTable ?? check.table);
        const previousColumn = check.kind === 'same-sum' ? (check.previous?.column ?? check.column) : '';
        const relation = qualifiedName(versionSchemaName(definition.name, against), previousTable);
        const expected = await scalar(client, measure(check, relation, previousColumn));
        result = { ...base, expected, actual, ok: expected === actual };
      }
    }
    await client.query('release savepoint pj_check');
    return result;
  } catch (error) {
    await client.query('rollback to savepoint pj_check');
    const note = error instanceof Error ? error.message : String(error);
    return { ...base, expected: null, actual: null, ok: false, note: `the check could not run: ${note}` };
  }
};
