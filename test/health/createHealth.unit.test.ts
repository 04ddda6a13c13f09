import { describe, expect, it } from 'vitest';
import { createHealth, failureWindow } from '../../src/health/index.ts';

describe('the health registry', () => {
  it('is ready only while every component is up and it is not draining', async () => {
    const health = createHealth();
    expect((await health.check()).ready).toBe(true);
    health.report('command-worker', { status: 'down', reason: 'crashed: producer fenced' });
    const down = await health.check();
    expect(down.ready).toBe(false);
    expect(down.components['command-worker']).toMatchObject({
      status: 'down',
      reason: 'crashed: producer fenced',
    });
    health.report('command-worker', { status: 'up' });
    expect((await health.check()).ready).toBe(true);
    health.drain();
    expect(await health.check()).toMatchObject({ ready: false, draining: true });
  });

  it('probes dependencies at each check: a failure or a slow answer is down with its reason', async () => {
    const health = createHealth({ probeTimeoutMs: 50 });
    let postgresUp = false;
    health.probe('postgres', async () => {
      if (!postgresUp) throw new Error('connect ECONNREFUSED');
    });
    health.probe('kafka', () => new Promise(() => undefined));
    const first = await health.check();
    expect(first.ready).toBe(false);
    expect(first.components.postgres).toMatchObject({ status: 'down', reason: 'connect ECONNREFUSED' });
    expect(first.components.kafka).toMatchObject({ status: 'down', reason: 'no answer in 50 ms' });
    postgresUp = true;
    expect((await health.check()).components.postgres?.status).toBe('up');
  });

  it('turns announced faults into a probe that is down until a quiet period passes', async () => {
    const window = failureWindow();
    await expect(window.probe()).resolves.toBeUndefined();
    window.fail('registry did not answer', 60);
    await expect(window.probe()).rejects.toThrow('registry did not answer');
    await new Promise((r) => setTimeout(r, 80));
    await expect(window.probe()).resolves.toBeUndefined();
  });
});
