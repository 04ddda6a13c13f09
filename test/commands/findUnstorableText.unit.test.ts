import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findUnstorableText, unstorableReason } from '../../src/commands/index.ts';

describe('findUnstorableText', () => {
  it('finds NULs and unpaired surrogates in nested strings and in keys, naming their paths', () => {
    const found = findUnstorableText({
      name: 'Ada\u0000',
      address: { lines: ['ok', 'x\uD800y'], 'k\u0000ey': 1 },
      tail: '\uDC00',
    });
    expect(found.map((f) => [f.path, f.message])).toEqual(
      expect.arrayContaining([
        ['name', expect.stringContaining('NUL character (U+0000) at index 3')],
        ['address.lines.1', expect.stringContaining('unpaired UTF-16 surrogate (U+D800) at index 1')],
        ['address.k\\u0000ey', expect.stringContaining('the key contains a NUL')],
        ['tail', expect.stringContaining('(U+DC00)')],
      ]),
    );
    expect(found).toHaveLength(4);
    expect(found.find((f) => f.path === 'address.lines.1')?.segments).toEqual(['address', 'lines', 1]);
  });

  it('accepts paired surrogates, emoji and every other character', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, text) => {
        expect(findUnstorableText({ value, text: text.replaceAll('\u0000', '') })).toEqual([]);
      }),
    );
    expect(unstorableReason('😀 \uD83D\uDE00 é')).toBeUndefined();
  });

  it('refuses any string holding a lone surrogate or a NUL, wherever it sits', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.oneof(fc.constant(0), fc.integer({ min: 0xd800, max: 0xdfff })),
        fc.string(),
        // fc.string() is printable ASCII: nothing around the poison can pair with it
        (before, unit, after) => {
          expect(unstorableReason(`${before}${String.fromCharCode(unit)}${after}`)).toMatch(
            unit === 0 ? /NUL character \(U\+0000\)/ : /unpaired UTF-16 surrogate/,
          );
        },
      ),
    );
  });

  it('walks a value nested a hundred thousand deep without overflowing the stack', () => {
    let deep: unknown = 'a\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const found = findUnstorableText(deep);
    expect(found).toHaveLength(1);
    expect(found[0]?.segments).toHaveLength(100_000);
  });

  it('stops at the limit', () => {
    expect(
      findUnstorableText(
        Array.from({ length: 100 }, () => '\u0000'),
        5,
      ),
    ).toHaveLength(5);
  });
});
