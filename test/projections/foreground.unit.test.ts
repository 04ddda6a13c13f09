import { describe, expect, it } from 'vitest';
import { foreground } from '../../src/projections/index.ts';

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
});
