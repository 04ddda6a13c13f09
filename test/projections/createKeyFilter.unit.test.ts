import { describe, expect, it } from 'vitest';
import { createKeyFilter } from '../../src/projections/createKeyFilter.ts';

describe('the key filter of evicted rows', () => {
  it('answers yes for every key added, through its growth, and no for nearly every other', () => {
    const filter = createKeyFilter();
    const added = Array.from({ length: 200_000 }, (_, i) => `customer-${i}\u0000${i % 7}`);
    let fresh = 0;
    for (const key of added) if (filter.add(key)) fresh++;
    expect(added.every((key) => filter.mayHave(key))).toBe(true);
    // A 32-bit hash of 200k keys: a shared hash is rare, and `size` counts distinct hashes.
    expect(fresh).toBe(filter.size);
    expect(fresh).toBeGreaterThan(199_990);
    const others = Array.from({ length: 200_000 }, (_, i) => `order-${i}`);
    const falseYes = others.filter((key) => filter.mayHave(key)).length;
    expect(falseYes).toBeLessThan(20);
  });

  it('adds a key once, tells apart keys that differ in one character or in case, and forgets on clear', () => {
    const filter = createKeyFilter();
    expect(filter.add('é-1')).toBe(true);
    expect(filter.add('é-1')).toBe(false);
    expect(filter.mayHave('é-2')).toBe(false);
    expect(filter.mayHave('É-1')).toBe(false);
    expect(filter.mayHave('')).toBe(false);
    expect(filter.size).toBe(1);
    filter.clear();
    expect(filter.mayHave('é-1')).toBe(false);
    expect(filter.size).toBe(0);
  });
});
