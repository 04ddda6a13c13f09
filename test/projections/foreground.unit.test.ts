import { describe, expect, it } from 'vitest';
import { createSlicer, foreground } from '../../src/projections/index.ts';

describe('foreground', () => {
  it('is busy while any piece of work is open, and a leave counts once', () => {
    expect(foreground.busy).toBe(false);
    const a = foreground.enter();
    const b = foreground.enter();
    a();
    a();
    expect(foreground.busy).toBe(true);
    b();
    expect(foreground.busy).toBe(false);
  });

  it('slices a run: due at the 32nd item once the slice is spent', () => {
    const slicer = createSlicer();
    const until = performance.now() + 3;
    while (performance.now() < until);
    const first = Array.from({ length: 32 }, () => slicer.due());
    expect(first.indexOf(true)).toBe(31);
  });
});
