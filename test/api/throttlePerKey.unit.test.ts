import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttlePerKey } from '../../src/api/throttlePerKey.ts';

describe('throttlePerKey', () => {
  let clock = 0;
  let sent: { at: number; message: string }[] = [];
  const make = () =>
    throttlePerKey<string>({
      throttleMs: 250,
      now: () => clock,
      send: (message) => sent.push({ at: clock, message }),
    });
  /** Moves the clock, and runs the timers due by then only if `timers` (a busy loop runs them late). */
  const advance = (ms: number, timers = true) => {
    for (let i = 0; i < ms; i++) {
      clock += 1;
      if (timers) vi.advanceTimersByTime(1);
    }
  };
  beforeEach(() => {
    vi.useFakeTimers();
    clock = 1_000;
    sent = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the first at once, then at most one per gap per key, always the latest', () => {
    const t = make();
    t.offer('a', 'a1');
    t.offer('b', 'b1');
    advance(100);
    t.offer('a', 'a2');
    t.offer('a', 'a3');
    advance(200);
    expect(sent).toEqual([
      { at: 1_000, message: 'a1' },
      { at: 1_000, message: 'b1' },
      { at: 1_250, message: 'a3' },
    ]);
  });

  it('never sends the waiting message after a newer one when its timer runs late', () => {
    const t = make();
    t.offer('a', 'a1');
    advance(100);
    t.offer('a', 'a2');
    // The gap has passed but the loop has not run the timer yet: a3 replaces a2 instead of going
    // out at once with a2 right behind it.
    advance(400, false);
    t.offer('a', 'a3');
    vi.runOnlyPendingTimers();
    expect(sent.map((s) => s.message)).toEqual(['a1', 'a3']);
  });

  it('flush sends the waiting message at once, and the gap counts from it', () => {
    const t = make();
    t.offer('a', 'a1');
    advance(50);
    t.offer('a', 'a2');
    t.flush('a');
    t.flush('a');
    advance(10);
    t.offer('a', 'a3');
    advance(300);
    expect(sent).toEqual([
      { at: 1_000, message: 'a1' },
      { at: 1_050, message: 'a2' },
      { at: 1_300, message: 'a3' },
    ]);
  });
});
