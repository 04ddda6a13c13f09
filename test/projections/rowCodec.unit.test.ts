import { describe, expect, it } from 'vitest';
import { defineProjection } from '../../src/definitions/index.ts';
import { keyString, normalizeKey } from '../../src/projections/rowCodec.ts';

const model = defineProjection({
  name: 'keys',
  version: 1,
  tables: {
    one: { columns: { id: 'text', n: 'integer' }, primaryKey: ['id'] },
    two: { columns: { a: 'text', b: 'text' }, primaryKey: ['a', 'b'] },
    mixed: {
      columns: { day: 'date', flag: 'boolean', n: 'bigint', id: 'uuid' },
      primaryKey: ['day', 'flag', 'n', 'id'],
    },
  },
  handlers: { Seen: { keys: () => [], apply: () => undefined } },
}).model;
const table = (name: string) => {
  const t = model.tables.get(name);
  if (t === undefined) throw new Error(name);
  return t;
};
const text = (name: string, key: Record<string, unknown>) =>
  keyString(table(name), normalizeKey(table(name), key));

describe('keyString', () => {
  it('gives keys with several columns distinct texts, whatever separators their values hold', () => {
    const keys = [
      { a: '1:a', b: 'b' },
      { a: '1', b: 'a1:b' },
      { a: '', b: '1:a1:b' },
      { a: '1:a1:b', b: '' },
      { a: 'x', b: 'y' },
      { a: 'xy', b: '' },
      { a: '', b: 'xy' },
      { a: '-', b: '-' },
    ];
    expect(new Set(keys.map((k) => text('two', k))).size).toBe(keys.length);
  });

  it('gives equal keys equal texts, from a key or from the whole row, in any value form', () => {
    expect(text('one', { id: 'é' })).toBe(keyString(table('one'), { id: 'é', n: 1 }));
    const a = {
      day: '2026-12-01',
      flag: true,
      n: 5n,
      id: '6f1c1d5e-0b6c-4f43-9d4a-1d1b1d1b1d1b',
    };
    const b = { ...a, id: a.id.toUpperCase() };
    expect(text('mixed', a)).toBe(text('mixed', b));
    expect(text('mixed', a)).not.toBe(text('mixed', { ...a, n: 6n }));
  });
});
