import { describe, expect, it } from 'vitest';
import { rangeSize, scanRanges } from '../../src/check/scanRanges.ts';

const vector = (...offsets: bigint[]) => new Map(offsets.map((o, p) => [p, o]));

describe('scanRanges', () => {
  it('reads every partition whole, from its earliest offset, without a sample', () => {
    const passes = scanRanges({ earliest: vector(0n, 5n), latest: vector(10n, 7n) });
    expect(passes).toEqual([
      [
        { partition: 0, from: 0n, until: 10n },
        { partition: 1, from: 5n, until: 7n },
      ],
    ]);
  });

  it('reads the first ⌈N/2⌉ and the last ⌊N/2⌋ offsets with a sample, and a short partition once', () => {
    const [first, last] = scanRanges({ earliest: vector(0n, 0n), latest: vector(100n, 4n), sample: 5 });
    expect(first).toEqual([
      { partition: 0, from: 0n, until: 3n },
      { partition: 1, from: 0n, until: 3n },
    ]);
    expect(last).toEqual([
      { partition: 0, from: 98n, until: 100n },
      { partition: 1, from: 3n, until: 4n },
    ]);
    expect(rangeSize([...(first ?? []), ...(last ?? [])])).toBe(9n);
  });
});
