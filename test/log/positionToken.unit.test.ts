import { describe, expect, it } from 'vitest';
import { formatPositionToken, parsePositionToken, passesPositions } from '../../src/log/index.ts';

describe('position tokens', () => {
  it('write partitions ascending and read back to the same vector', () => {
    const token = formatPositionToken(
      new Map([
        [5, 77n],
        [3, 1042n],
      ]),
    );
    expect(token).toBe('3:1042,5:77');
    expect(parsePositionToken(token, 6)).toEqual({
      ok: true,
      positions: new Map([
        [3, 1042n],
        [5, 77n],
      ]),
    });
  });

  it('are passed when the checkpoints reach every partition named, and not before', () => {
    const token = new Map([
      [0, 10n],
      [2, 5n],
    ]);
    expect(
      passesPositions(
        new Map([
          [0, 10n],
          [1, 0n],
          [2, 7n],
        ]),
        token,
      ),
    ).toBe(true);
    expect(
      passesPositions(
        new Map([
          [0, 9n],
          [2, 7n],
        ]),
        token,
      ),
    ).toBe(false);
    // A partition the reader never committed is at 0.
    expect(passesPositions(new Map([[0, 10n]]), token)).toBe(false);
    expect(passesPositions(new Map(), new Map())).toBe(true);
  });

  it('refuse text that is not a token, naming what is wrong', () => {
    const problem = (text: string, partitions?: number) => {
      const parsed = parsePositionToken(text, partitions);
      return parsed.ok ? undefined : parsed.problem;
    };
    expect(problem('')).toMatch(/empty/);
    expect(problem('abc')).toMatch(/'abc' is not <partition>:<offset>/);
    expect(problem('1:-3')).toMatch(/not <partition>:<offset>/);
    expect(problem('1:2,1:3')).toBe('partition 1 is named twice');
    expect(problem('7:1', 6)).toBe('partition 7 does not exist: the events topic has 6 (0 to 5)');
    expect(problem('0:9999999999999999999')).toMatch(/past the largest Kafka offset/);
    expect(problem('0:1,'.repeat(2_000))).toMatch(/at most 4096/);
  });
});
