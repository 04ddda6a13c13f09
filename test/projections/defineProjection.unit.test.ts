import { describe, expect, it } from 'vitest';
import { isProjectionistError } from '../../src/errors/index.ts';
import { defineProjection, type ProjectionInput, type TablesSpec } from '../../src/definitions/index.ts';
import { ledgerProjection } from './fixtures/ledgerProjection.ts';

const attempt = (input: unknown): unknown => {
  try {
    defineProjection(input as ProjectionInput<TablesSpec>);
    return undefined;
  } catch (error) {
    return error;
  }
};

const minimal = {
  name: 'things',
  version: 1,
  tables: { things: { columns: { id: 'text', n: 'bigint' }, primaryKey: ['id'] } },
  handlers: { ThingMade: { keys: () => [], apply: () => {} } },
} as const;

describe('defineProjection', () => {
  it('names what is wrong with a same-rows check or a readAs mapping', () => {
    const error = attempt({
      ...minimal,
      checks: [
        { kind: 'same-rows', name: 'both', table: 'things', sql: 'select 1', columns: ['n'] },
        { kind: 'same-rows', name: 'unknown', table: 'things', key: ['nope'], columns: ['n', 'gone'] },
        { kind: 'same-rows', name: 'sql alone', sql: 'select id, n from {things}', columns: ['n'] },
        {
          kind: 'same-rows',
          name: 'no columns',
          table: 'things',
          columns: [],
          against: { table: 'x', sql: 'y' },
        },
      ],
      readAs: { things: '', 'bad name': 'select 1' },
    });
    expect(isProjectionistError(error, 'PRJ_PROJECTION_INVALID')).toBe(true);
    expect((error as { details: { problems: string[] } }).details.problems).toEqual([
      'checks[0]: give either a table of this version or sql over its tables, not both or neither',
      'checks[1]: "gone" is not a column of things',
      'checks[1]: "nope" is not a column of things',
      'checks[2]: a check over sql needs its key columns',
      'checks[2]: a check over sql needs against: { table } or { sql }',
      'checks[3]: columns must list at least one column name',
      'checks[3].against: must be { table } (a table of the active version) or { sql } (a query over its tables)',
      'readAs.things: must be a query',
      'readAs.bad name: not a safe SQL name',
    ]);
    const valid = defineProjection({
      ...minimal,
      checks: [
        { kind: 'same-rows', name: 'typed', table: 'things', columns: ['n'] },
        {
          kind: 'same-rows',
          name: 'mapped',
          sql: 'select id, n from {things}',
          key: ['id'],
          columns: ['n'],
          against: { sql: 'select id, n from {things}' },
        },
      ],
      readAs: { things: 'select id, n from {things}' },
    });
    expect(valid.checks.map((c) => c.kind)).toEqual(['same-rows', 'same-rows']);
  });

  it('accepts a valid definition and gives it a version schema and a hash', () => {
    const ledger = ledgerProjection(3);
    expect(ledger.kind).toBe('projection');
    expect(ledger.model.schema).toBe('ledger__v3');
    expect(ledger.model.stableSchema).toBe('ledger');
    expect(ledger.model.tables.get('accounts')?.qualified).toBe('"ledger__v3"."accounts"');
    expect(ledger.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names every problem of a bad definition at once', () => {
    const error = attempt({
      name: 'Bad Name',
      version: 0,
      tables: {
        'drop table x;': { columns: { id: 'text' }, primaryKey: ['id'] },
        orders: {
          columns: { id: 'money', 'Total"': 'bigint', doc: 'jsonb', maybe: { type: 'text', nullable: true } },
          primaryKey: ['missing', 'doc', 'maybe'],
          indexes: [['nope'], []],
        },
      },
      handlers: { OrderPlaced: { apply: () => {} } },
      checks: [{ kind: 'same-sum', name: 's', table: 'orders', column: 'doc' }],
    });
    expect(isProjectionistError(error, 'PRJ_PROJECTION_INVALID')).toBe(true);
    const problems = (error as { details: { problems: string[] } }).details.problems;
    const expected = [
      /^name:/,
      /^version:/,
      /drop table x;: not a safe SQL name/,
      /orders\.id: type "money" is not allowed/,
      /orders\.Total": not a safe SQL name/,
      /primaryKey: "missing" is not a column/,
      /primaryKey: doc is jsonb; keys must be/,
      /primaryKey: maybe must not be nullable/,
      /indexes\[0\]: "nope" is not a column/,
      /indexes\[1\]: list at least one column/,
      /handlers\.OrderPlaced: must have keys\(event\) and apply/,
      /checks\[0\]: "doc" is not a numeric column/,
    ];
    for (const pattern of expected)
      expect(
        problems.some((p) => pattern.test(p)),
        String(pattern),
      ).toBe(true);
    expect(problems).toHaveLength(expected.length);
  });

  it('refuses names that would collide with reserved schemas or the version separator', () => {
    for (const name of ['projectionist', 'public', 'pg_things', 'a__b', '1abc', ''])
      expect(isProjectionistError(attempt({ ...minimal, name }), 'PRJ_PROJECTION_INVALID'), name).toBe(true);
    expect(attempt({ ...minimal, name: 'customer-directory' })).toBeUndefined();
  });

  it('hashes the same definition the same way, and any change to tables, handlers or version differently', () => {
    const base = defineProjection(minimal);
    expect(defineProjection({ ...minimal }).hash).toBe(base.hash);
    expect(defineProjection({ ...minimal, version: 2 }).hash).not.toBe(base.hash);
    expect(
      defineProjection({
        ...minimal,
        tables: { things: { columns: { id: 'text', n: 'integer' }, primaryKey: ['id'] } },
      }).hash,
    ).not.toBe(base.hash);
    expect(
      defineProjection({
        ...minimal,
        handlers: {
          ThingMade: { keys: () => [], apply: (_e, store) => store.delete('things', { id: 'x' }) },
        },
      }).hash,
    ).not.toBe(base.hash);
    // the description and checks change no row, so they do not change the hash
    expect(defineProjection({ ...minimal, description: 'about things' }).hash).toBe(base.hash);
  });
});
