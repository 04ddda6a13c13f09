import { describe, expect, it } from 'vitest';
import { createTextInterner } from '../../src/log/createTextInterner.ts';

describe('createTextInterner', () => {
  it('answers the text of the bytes, the same string again for bytes seen before', () => {
    const intern = createTextInterner({ max: 2, maxBytes: 12 });
    const bytes = Buffer.from('xxOrderPlacedyy');
    const first = intern(bytes, 2, 11);
    expect(first).toBe('OrderPlaced');
    expect(intern(Buffer.from('OrderPlaced'), 0, 11)).toBe('OrderPlaced');
    // same length, other bytes; past the bound; longer than maxBytes: all decoded, none mixed up
    const texts = ['abc', 'abd', 'abe', 'abc', 'ünï', 'a-much-longer-text', 'abd', 'é'];
    for (const text of texts) expect(intern(Buffer.from(text), 0, Buffer.byteLength(text))).toBe(text);
  });
});
