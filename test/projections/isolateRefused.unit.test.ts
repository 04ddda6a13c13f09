import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../src/log/index.ts';
import { isolateRefused } from '../../src/projections/isolateRefused.ts';
import { positionKey } from '../../src/projections/Parking.ts';
import { RefusedBatch } from '../../src/projections/RefusedBatch.ts';

const record = (partition: number, offset: bigint): LogRecord => ({
  partition,
  offset,
  key: null,
  value: null,
  headers: {},
  timestamp: '0',
});

/** The range of the log a flush of `records` covers, as FlushPipeline names it. */
const rangeOf = (records: readonly LogRecord[]) => {
  const from = new Map<number, bigint>();
  const until = new Map<number, bigint>();
  for (const r of records) {
    if (!from.has(r.partition)) from.set(r.partition, r.offset);
    until.set(r.partition, r.offset + 1n);
  }
  return { from, until };
};

describe('RefusedBatch', () => {
  it('covers the records of its range per partition, until exclusive, and none of a partition it does not name', () => {
    const refusal = new RefusedBatch(
      {
        from: new Map([[0, 10n]]),
        until: new Map([
          [0, 20n],
          [1, 5n],
        ]),
      },
      new Error('refused'),
    );
    expect(refusal.covers(record(0, 9n))).toBe(false);
    expect(refusal.covers(record(0, 10n))).toBe(true);
    expect(refusal.covers(record(0, 19n))).toBe(true);
    expect(refusal.covers(record(0, 20n))).toBe(false);
    // No start named: from the beginning of the partition.
    expect(refusal.covers(record(1, 0n))).toBe(true);
    expect(refusal.covers(record(1, 5n))).toBe(false);
    expect(refusal.covers(record(2, 0n))).toBe(false);
  });
});

describe('isolateRefused', () => {
  it('parks exactly the refused events among records of several partitions and commits the rest in order', async () => {
    const records = [0, 1, 2].flatMap((p) =>
      Array.from({ length: 7 }, (_, i) => record(p, 100n + BigInt(i))),
    );
    const bad = new Set([
      positionKey({ partition: 1, offset: 103n }),
      positionKey({ partition: 2, offset: 100n }),
    ]);
    const committed: string[] = [];
    const parked: string[] = [];
    let flushes = 0;
    const run = (some: readonly LogRecord[], refused?: ReadonlyMap<string, string>) => {
      flushes++;
      const keys = some.map(positionKey);
      if (keys.some((k) => bad.has(k) && refused?.has(k) !== true))
        return Promise.reject(new RefusedBatch(rangeOf(some), new Error('invalid byte sequence')));
      for (const k of keys) (refused?.has(k) === true ? parked : committed).push(k);
      return Promise.resolve();
    };
    await isolateRefused({ records, cause: new Error('invalid byte sequence'), run });
    expect(parked.sort()).toEqual([...bad].sort());
    expect(committed).toEqual(records.map(positionKey).filter((k) => !bad.has(k)));
    // Halving: far fewer flushes than one per event.
    expect(flushes).toBeLessThan(records.length);
  });

  it('fails naming the event when parking it is refused too', async () => {
    const run = () => Promise.reject(new RefusedBatch(rangeOf([record(0, 4n)]), new Error('still refused')));
    await expect(isolateRefused({ records: [record(0, 4n)], cause: new Error('x'), run })).rejects.toThrow(
      /partition 0 offset 4 was refused too/,
    );
  });
});
