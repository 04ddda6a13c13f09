import { describe, expect, it } from 'vitest';
import { backoffDelay, engineDefaults } from '../../src/config/index.ts';

describe('backoffDelay', () => {
  it('starts at the minimum and doubles up to the maximum', () => {
    const delays = [0, 1, 2, 5, 6, 20].map((failures) =>
      backoffDelay({ backoff: undefined, defaults: engineDefaults.projector.retry, failures }),
    );
    expect(delays).toEqual([200, 400, 800, 6_400, 10_000, 10_000]);
  });

  it('takes each bound the caller gives and the default for the one it leaves out', () => {
    const defaults = { minMs: 200, maxMs: 10_000 };
    expect(backoffDelay({ backoff: { minMs: 10 }, defaults, failures: 3 })).toBe(80);
    expect(backoffDelay({ backoff: { maxMs: 300 }, defaults, failures: 3 })).toBe(300);
  });
});

describe('engineDefaults', () => {
  it('keeps the values the engine has always defaulted to', () => {
    expect(engineDefaults.leases).toEqual({ versionTtlMs: 30_000, commandStateTtlMs: 10_000 });
    expect(engineDefaults.projector.retry).toEqual({ minMs: 200, maxMs: 10_000 });
    // 2 ms: reads over HTTP during a replay (bench/RESULTS.md, the latency section).
    expect(engineDefaults.projector.yieldEveryMs).toBe(2);
    expect(engineDefaults.projector.foregroundYieldMs).toBe(0.5);
    expect(engineDefaults.reactor.retry).toEqual({ minMs: 200, maxMs: 30_000 });
    expect(engineDefaults.batchLimits).toEqual({
      maxRows: 50_000,
      keepShare: 0.75,
      maxEvents: 20_000,
      maxDelayMs: 100,
      flushWhenIdle: true,
      copyThreshold: 1_000,
    });
    expect(engineDefaults.log.sessionTimeoutMs).toBe(30_000);
    expect(engineDefaults.readYourWrites).toEqual({ waitMs: 5_000, maxWaitMs: 30_000, pollMs: 20 });
    expect(engineDefaults.verification).toEqual({ keyRanges: 1_024, differingKeys: 10 });
    expect(engineDefaults.shadowReads).toEqual({ alignWaitMs: 500, candidateTtlMs: 1_000, maxInFlight: 2 });
    expect(engineDefaults.staging).toEqual({ scanHitLimit: 1_000 });
    // 512 KiB: a fetch decodes in one synchronous run (bench/RESULTS.md, the rebuild section).
    expect(engineDefaults.log.fetchMaxBytes).toBe(512 * 1024);
  });
});
