import { describe, expect, it } from 'vitest';
import { normalizeValue, parseText, toPgText } from '../../src/definitions/columnTypes.ts';

const value = (result: ReturnType<typeof normalizeValue>) =>
  result.ok ? result.value : `! ${result.problem}`;

describe('column types', () => {
  it('puts values in the canonical form rows loaded back from PostgreSQL have', () => {
    expect(value(normalizeValue('uuid', 'A1B2C3D4-0000-4000-8000-00000000000F'))).toBe(
      'a1b2c3d4-0000-4000-8000-00000000000f',
    );
    expect(value(normalizeValue('timestamptz', '2024-05-01T11:00:00+02:00'))).toBe(
      '2024-05-01T09:00:00.000Z',
    );
    expect(value(normalizeValue('bigint', 2n ** 63n - 1n))).toBe(2n ** 63n - 1n);
    expect(value(normalizeValue('numeric', '-12.50'))).toBe('-12.50');
    expect(value(normalizeValue('jsonb', { a: [1, 'x'] }))).toEqual({ a: [1, 'x'] });
  });

  it('refuses values that do not fit, saying what was expected', () => {
    expect(value(normalizeValue('bigint', 5))).toMatch(/expected a bigint/);
    expect(value(normalizeValue('bigint', 2n ** 63n))).toMatch(/64-bit/);
    expect(value(normalizeValue('integer', 2 ** 31))).toMatch(/32-bit/);
    expect(value(normalizeValue('integer', 1.5))).toMatch(/32-bit integer/);
    expect(value(normalizeValue('date', '2024-13-01'))).toMatch(/YYYY-MM-DD/);
    expect(value(normalizeValue('numeric', '1e5'))).toMatch(/decimal string/);
    expect(value(normalizeValue('timestamptz', 'yesterday'))).toMatch(/ISO-8601/);
    expect(value(normalizeValue('text', 5))).toMatch(/string/);
    expect(value(normalizeValue('jsonb', undefined))).toMatch(/JSON/);
  });

  it('writes PostgreSQL’s text input form, JSON strings quoted', () => {
    expect(toPgText('boolean', true)).toBe('t');
    expect(toPgText('bigint', -9n)).toBe('-9');
    expect(toPgText('double', Number.NaN)).toBe('NaN');
    expect(toPgText('double', Number.NEGATIVE_INFINITY)).toBe('-Infinity');
    expect(toPgText('jsonb', 'plain')).toBe('"plain"');
    expect(toPgText('jsonb', true)).toBe('true');
    expect(toPgText('text', null)).toBeNull();
  });

  it('parses values that arrive as text from HTTP', () => {
    expect(value(parseText('bigint', '9007199254740993'))).toBe(9007199254740993n);
    expect(value(parseText('integer', '12'))).toBe(12);
    expect(value(parseText('boolean', 'false'))).toBe(false);
    expect(value(parseText('double', ' '))).toMatch(/number/);
    expect(value(parseText('boolean', 'yes'))).toMatch(/true or false/);
    expect(value(parseText('jsonb', '{"a":1}'))).toEqual({ a: 1 });
  });
});
