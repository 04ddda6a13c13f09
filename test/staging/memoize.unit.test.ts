import { describe, expect, it } from 'vitest';
import { memoize } from '../../src/staging/memoize.ts';

describe('memoize', () => {
  it('computes a repeated input once while it is recent, and forgets it once two generations have passed', () => {
    const computed: string[] = [];
    const upper = memoize((value) => {
      computed.push(value);
      return value.toUpperCase();
    }, 2);
    expect(['a', 'b', 'a', 'b'].map(upper)).toEqual(['A', 'B', 'A', 'B']);
    expect(computed).toEqual(['a', 'b']);
    ['c', 'd', 'e', 'f'].forEach((value) => upper(value));
    upper('a');
    expect(computed).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'a']);
  });
});
