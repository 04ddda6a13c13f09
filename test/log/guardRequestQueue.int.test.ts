import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { kafkaBrokers, testPrefix } from '../harness/testServices.ts';

const run = promisify(execFile);

describe("kafkajs's request queue under Node 24", () => {
  it('schedules no negative timeout: a client process warns nothing and does not spin while idle', async () => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      PJ_BROKERS: kafkaBrokers().join(','),
      PJ_PREFIX: testPrefix('idle'),
    };
    delete env.NODE_OPTIONS; // no --disable-warning from a parent: the warning would show
    const { stdout, stderr } = await run(process.execPath, ['test/log/fixtures/idleClientProcess.ts'], {
      env,
      timeout: 60_000,
    });
    expect(stderr).not.toMatch(/TimeoutNegativeWarning/);
    const seen = JSON.parse(stdout.trim()) as { warned: number; idleCpuMs: number };
    expect(seen.warned).toBe(0);
    // The unguarded queue runs a 1 ms timer per connection: ~100 ms of CPU per idle second here.
    expect(seen.idleCpuMs).toBeLessThan(60);
  });
});
