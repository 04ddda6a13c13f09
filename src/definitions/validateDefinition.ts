import { isColumnType, keyColumnTypes } from './columnTypes.ts';
import type { ProjectionInput, TablesSpec } from './projectionTypes.ts';
import { identifierPattern, projectionNameProblem } from './schemaNames.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const summable = new Set(['bigint', 'integer', 'numeric', 'double']);

const columnTypeOf = (spec: unknown): { type: unknown; nullable: unknown } =>
  isObject(spec) ? { type: spec.type, nullable: spec.nullable ?? false } : { type: spec, nullable: false };

const checkTables = (tables: unknown, problems: string[]): void => {
  if (!isObject(tables) || Object.keys(tables).length === 0) {
    problems.push('tables: declare at least one table');
    return;
  }
  for (const [table, spec] of Object.entries(tables)) {
    const at = `tables.${table}`;
    if (!identifierPattern.test(table)) problems.push(`${at}: not a safe SQL name (use a-z, 0-9, "_")`);
    if (!isObject(spec) || !isObject(spec.columns) || Object.keys(spec.columns).length === 0) {
      problems.push(`${at}: declare its columns`);
      continue;
    }
    const columns = spec.columns;
    for (const [column, columnSpec] of Object.entries(columns)) {
      if (!identifierPattern.test(column)) problems.push(`${at}.${column}: not a safe SQL name`);
      const { type, nullable } = columnTypeOf(columnSpec);
      if (!isColumnType(type)) problems.push(`${at}.${column}: type ${JSON.stringify(type)} is not allowed`);
      if (typeof nullable !== 'boolean') problems.push(`${at}.${column}: nullable must be a boolean`);
    }
    const primaryKey = spec.primaryKey;
    if (!Array.isArray(primaryKey) || primaryKey.length === 0) {
      problems.push(`${at}.primaryKey: list at least one column`);
    } else {
      if (new Set(primaryKey).size !== primaryKey.length)
        problems.push(`${at}.primaryKey: a column is repeated`);
      for (const column of primaryKey as unknown[]) {
        if (typeof column !== 'string' || !Object.hasOwn(columns, column)) {
          problems.push(`${at}.primaryKey: ${JSON.stringify(column)} is not a column of the table`);
          continue;
        }
        const { type, nullable } = columnTypeOf(columns[column]);
        if (isColumnType(type) && !keyColumnTypes.has(type))
          problems.push(
            `${at}.primaryKey: ${column} is ${type}; keys must be ${[...keyColumnTypes].join(', ')}`,
          );
        if (nullable === true) problems.push(`${at}.primaryKey: ${column} must not be nullable`);
      }
    }
    if (spec.indexes !== undefined && !Array.isArray(spec.indexes))
      problems.push(`${at}.indexes: must be a list`);
    for (const [i, index] of (Array.isArray(spec.indexes) ? (spec.indexes as unknown[]) : []).entries()) {
      if (!Array.isArray(index) || index.length === 0) {
        problems.push(`${at}.indexes[${i}]: list at least one column`);
        continue;
      }
      if (new Set(index).size !== index.length) problems.push(`${at}.indexes[${i}]: a column is repeated`);
      for (const column of index as unknown[])
        if (typeof column !== 'string' || !Object.hasOwn(columns, column))
          problems.push(`${at}.indexes[${i}]: ${JSON.stringify(column)} is not a column of the table`);
    }
  }
};

const checkHandlers = (handlers: unknown, problems: string[]): void => {
  if (!isObject(handlers) || Object.keys(handlers).length === 0) {
    problems.push('handlers: declare at least one event handler');
    return;
  }
  for (const [type, handler] of Object.entries(handlers)) {
    if (type.trim() === '') problems.push('handlers: an event type is empty');
    if (!isObject(handler) || typeof handler.apply !== 'function' || typeof handler.keys !== 'function')
      problems.push(`handlers.${type}: must have keys(event) and apply(event, store) functions`);
  }
};

const isNameList = (value: unknown): value is string[] =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.every((v) => typeof v === 'string' && identifierPattern.test(v));

/** A same-rows check: one source here (a table, or sql), a key and columns, and a valid `against`. */
const checkSameRows = (
  check: Record<string, unknown>,
  tables: Record<string, unknown>,
  at: string,
  problems: string[],
): void => {
  const hasTable = check.table !== undefined;
  const hasSql = check.sql !== undefined;
  if (hasTable === hasSql) {
    problems.push(`${at}: give either a table of this version or sql over its tables, not both or neither`);
    return;
  }
  if (!isNameList(check.columns)) problems.push(`${at}: columns must list at least one column name`);
  if (check.key !== undefined && !isNameList(check.key))
    problems.push(`${at}: key must list at least one column name`);
  if (hasSql) {
    if (typeof check.sql !== 'string' || check.sql.trim() === '') problems.push(`${at}: sql must be a query`);
    if (check.key === undefined) problems.push(`${at}: a check over sql needs its key columns`);
    if (check.against === undefined)
      problems.push(`${at}: a check over sql needs against: { table } or { sql }`);
  } else {
    const table = typeof check.table === 'string' ? tables[check.table] : undefined;
    if (!isObject(table)) {
      problems.push(`${at}: ${JSON.stringify(check.table)} is not a table of this projection`);
    } else {
      const columns = isObject(table.columns) ? table.columns : {};
      const named = [
        ...(Array.isArray(check.columns) ? (check.columns as unknown[]) : []),
        ...(Array.isArray(check.key) ? (check.key as unknown[]) : []),
      ];
      for (const column of named)
        if (typeof column !== 'string' || !Object.hasOwn(columns, column))
          problems.push(`${at}: ${JSON.stringify(column)} is not a column of ${String(check.table)}`);
    }
  }
  const against = check.against;
  if (against === undefined) return;
  const againstTable = isObject(against) ? against.table : undefined;
  const againstSql = isObject(against) ? against.sql : undefined;
  if (
    (againstTable === undefined) === (againstSql === undefined) ||
    (againstTable !== undefined &&
      (typeof againstTable !== 'string' || !identifierPattern.test(againstTable))) ||
    (againstSql !== undefined && (typeof againstSql !== 'string' || againstSql.trim() === ''))
  )
    problems.push(
      `${at}.against: must be { table } (a table of the active version) or { sql } (a query over its tables)`,
    );
};

const checkReadAs = (readAs: unknown, problems: string[]): void => {
  if (readAs === undefined) return;
  if (!isObject(readAs)) {
    problems.push('readAs: must map tables of the version replaced to queries');
    return;
  }
  for (const [table, sql] of Object.entries(readAs)) {
    if (!identifierPattern.test(table)) problems.push(`readAs.${table}: not a safe SQL name`);
    if (typeof sql !== 'string' || sql.trim() === '') problems.push(`readAs.${table}: must be a query`);
  }
};

const checkChecks = (checks: unknown, tables: unknown, problems: string[]): void => {
  if (checks === undefined) return;
  if (!Array.isArray(checks)) {
    problems.push('checks: must be a list');
    return;
  }
  const known = isObject(tables) ? tables : {};
  for (const [i, check] of (checks as unknown[]).entries()) {
    const at = `checks[${i}]`;
    if (!isObject(check) || typeof check.name !== 'string' || check.name === '') {
      problems.push(`${at}: needs a name`);
      continue;
    }
    if (check.kind === 'no-rows') {
      if (typeof check.sql !== 'string' || check.sql.trim() === '') problems.push(`${at}: needs its sql`);
      continue;
    }
    if (check.kind === 'same-rows') {
      checkSameRows(check, known, at, problems);
      continue;
    }
    if (check.kind !== 'same-count' && check.kind !== 'same-sum') {
      problems.push(`${at}: kind must be same-count, same-sum, same-rows or no-rows`);
      continue;
    }
    const table = typeof check.table === 'string' ? known[check.table] : undefined;
    if (!isObject(table)) {
      problems.push(`${at}: ${JSON.stringify(check.table)} is not a table of this projection`);
      continue;
    }
    if (check.kind === 'same-sum') {
      const columns = isObject(table.columns) ? table.columns : {};
      const column = typeof check.column === 'string' ? columns[check.column] : undefined;
      if (column === undefined || !summable.has(String(columnTypeOf(column).type)))
        problems.push(
          `${at}: ${JSON.stringify(check.column)} is not a numeric column of ${String(check.table)}`,
        );
    }
  }
};

/**
 * Every problem with a projection definition, as lines naming the place: unsafe names, unknown
 * types, keys over missing columns, handlers without functions. Empty when it is valid.
 */
export const definitionProblems = (input: ProjectionInput<TablesSpec>): string[] => {
  const problems: string[] = [];
  const nameProblem = typeof input.name === 'string' ? projectionNameProblem(input.name) : 'must be a string';
  if (nameProblem !== undefined) problems.push(`name: ${nameProblem}`);
  if (!Number.isInteger(input.version) || input.version < 1 || input.version > 1_000_000)
    problems.push('version: must be a whole number from 1');
  checkTables(input.tables, problems);
  checkHandlers(input.handlers, problems);
  checkChecks(input.checks, input.tables, problems);
  checkReadAs(input.readAs, problems);
  if (input.onPoison !== undefined && input.onPoison !== 'park' && input.onPoison !== 'stop')
    problems.push(`onPoison: must be 'park' or 'stop', not ${JSON.stringify(input.onPoison)}`);
  return problems;
};
