import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { isProjectionistError } from '../../src/errors/index.ts';

const refusalOf = (value: string): string => {
  try {
    loadConfig({ PROJECTIONIST_SHADOW_READS: value });
  } catch (error) {
    if (isProjectionistError(error, 'PRJ_CONFIG_INVALID')) return error.message;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(value)} to be refused`);
};

describe('PROJECTIONIST_SHADOW_READS', () => {
  it('is off by default and reads a share per projection as a fraction', () => {
    expect(loadConfig({}).shadowReads.size).toBe(0);
    const shares = loadConfig({
      PROJECTIONIST_SHADOW_READS: 'customer-directory=10%,order-totals=0.5%',
    }).shadowReads;
    expect([...shares]).toEqual([
      ['customer-directory', 0.1],
      ['order-totals', 0.005],
    ]);
    expect(
      loadConfig({ PROJECTIONIST_SHADOW_READS: 'daily-revenue=100%' }).shadowReads.get('daily-revenue'),
    ).toBe(1);
  });

  it('refuses a bad value, naming the variable and what was wrong', () => {
    for (const [value, problem] of [
      ['customer-directory=10', 'expected name=N%'],
      ['customer-directory', 'expected name=N%'],
      ['Customer=5%', 'expected name=N%'],
      ['customer-directory=-5%', 'expected name=N%'],
      ['customer-directory=150%', 'a share is over 100%'],
      ['a=1%,a=2%', 'a projection is named twice'],
    ] as const) {
      const message = refusalOf(value);
      expect(message, value).toContain('PROJECTIONIST_SHADOW_READS:');
      expect(message, value).toContain(problem);
      expect(message, value).toContain(JSON.stringify(value));
    }
  });
});
