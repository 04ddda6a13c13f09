import { describe, expect, it } from 'vitest';
import { coalesceCalls } from '../../src/log/index.ts';

/** A run that records the items of each run and answers each item doubled, when released. */
const recordingRun = () => {
  const runs: number[][] = [];
  const releases: (() => void)[] = [];
  const run = async (items: readonly number[]) => {
    runs.push([...items]);
    await new Promise<void>((resolve) => releases.push(resolve));
    return items.map((i) => i * 2);
  };
  return { runs, releases, run };
};

describe('coalesceCalls', () => {
  it('runs the first call at once and the calls made meanwhile together, in call order', async () => {
    const { runs, releases, run } = recordingRun();
    const call = coalesceCalls(run);
    const first = call([1]);
    expect(runs).toEqual([[1]]);
    const second = call([2, 3]);
    const third = call([4]);
    expect(runs).toEqual([[1]]);
    releases.shift()?.();
    expect(await first).toEqual([2]);
    await new Promise((r) => setImmediate(r));
    expect(runs).toEqual([[1], [2, 3, 4]]);
    releases.shift()?.();
    expect(await second).toEqual([4, 6]);
    expect(await third).toEqual([8]);
  });

  it('fails every call of a failed run, and the next calls run again', async () => {
    let fail = true;
    const call = coalesceCalls(async (items: readonly number[]) => {
      await new Promise((r) => setImmediate(r));
      if (fail) throw new Error('broker away');
      return items;
    });
    const a = call([1]);
    const b = call([2]);
    const c = call([3]);
    await expect(a).rejects.toThrow('broker away');
    await expect(b).rejects.toThrow('broker away');
    await expect(c).rejects.toThrow('broker away');
    fail = false;
    expect(await call([5])).toEqual([5]);
  });

  it('answers an empty call with no results', async () => {
    const call = coalesceCalls(async (items: readonly string[]) => items.map((i) => i.length));
    expect(await Promise.all([call([]), call(['ab']), call([])])).toEqual([[], [2], []]);
  });
});
