import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFilterValue } from '../../src/queries/parseFilterValue.ts';

const problem = (type: Parameters<typeof parseFilterValue>[0], text: string) => {
  const parsed = parseFilterValue(type, text);
  return parsed.ok ? undefined : parsed.problem;
};

describe('parseFilterValue', () => {
  it('takes a date only when it is a calendar day in the years 1 to 9999', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (y, m, d) => {
          const text = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          const day = new Date(0);
          day.setUTCFullYear(y, m - 1, d);
          const real = y >= 1 && m >= 1 && m <= 12 && d >= 1 && day.getUTCMonth() === m - 1;
          expect(problem('date', text) === undefined, text).toBe(real);
        },
      ),
    );
    expect(problem('date', '2024-02-30')).toMatch(/not a valid date/);
    expect(problem('date', '2024-02-29')).toBeUndefined();
    expect(problem('date', '1900-02-29')).toMatch(/not a valid date/);
  });

  it('takes ISO-8601 timestamps in the years 1 to 9999 and nothing Date.parse merely guesses at', () => {
    expect(parseFilterValue('timestamptz', '2024-05-01T12:00:00+02:00')).toEqual({
      ok: true,
      value: '2024-05-01T10:00:00.000Z',
    });
    for (const text of [
      '+275760-09-13T00:00:00Z',
      '10000-01-01T00:00:00Z',
      '0000-06-01T00:00:00Z',
      '0001-01-01T00:00:00+01:00',
      '2024-02-30T00:00:00Z',
      'May 1, 2024',
      'yesterday',
    ])
      expect(problem('timestamptz', text), text).toMatch(/not a valid timestamp/);
  });

  it('keeps whole numbers in their column range and decimals in numeric limits', () => {
    expect(problem('integer', '2147483647')).toBeUndefined();
    expect(problem('integer', '2147483648')).toMatch(/-2147483648 to 2147483647/);
    expect(problem('integer', '1'.repeat(5_000))).toMatch(/whole number/);
    expect(problem('bigint', '-9223372036854775808')).toBeUndefined();
    expect(problem('bigint', '9223372036854775808')).toMatch(/9223372036854775807/);
    expect(problem('numeric', '12.50')).toBeUndefined();
    expect(problem('numeric', `1.${'0'.repeat(16_384)}`)).toMatch(/16383 after/);
  });

  it('refuses NULs and unpaired surrogates in any column type, JSON escapes included', () => {
    for (const type of ['text', 'uuid', 'date', 'jsonb', 'integer'] as const)
      expect(problem(type, 'a\u0000b'), type).toMatch(/NUL/);
    expect(problem('text', 'a\uD800')).toMatch(/surrogate/);
    expect(problem('jsonb', '{"a":"\\u0000"}')).toMatch(/NUL/);
    expect(problem('jsonb', '{"\\ud800":1}')).toMatch(/surrogate/);
    expect(problem('jsonb', '{"a":"\\\\u0000 is fine as text"}')).toBeUndefined();
    expect(problem('text', 'emoji 😀 is fine')).toBeUndefined();
  });
});
