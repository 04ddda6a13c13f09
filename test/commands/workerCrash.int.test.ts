import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Appender, createEnvelope, decodeEnvelope, encodeEnvelope, readLog } from '../../src/log/index.ts';
import { startProjectionist } from '../../src/main.ts';
import { useTestDatabase } from '../harness/testServices.ts';
import { eventually, testEnv } from '../harness/testEnv.ts';

const commandCount = 2_000;

const spawnWorker = (env: Record<string, string>): ChildProcess =>
  fork(new URL('./fixtures/runWorker.ts', import.meta.url).pathname, [], {
    env: { ...process.env, ...env },
    execPath: process.execPath,
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

describe('a command worker killed with SIGKILL at random points', () => {
  it("appends every command's events exactly once, none missing, after restarts", async () => {
    const databaseUrl = await useTestDatabase();
    // A short session timeout so a killed worker's partitions move quickly.
    const env = testEnv(databaseUrl, undefined, { PROJECTIONIST_WORKER_SESSION_TIMEOUT_MS: '6000' });
    const admin = await startProjectionist({ env, http: false, workers: false });
    try {
      const appender = await new Appender(admin.log).connect();
      const ids: string[] = [];
      try {
        for (let chunk = 0; chunk < commandCount / 500; chunk++) {
          const envelopes = Array.from({ length: 500 }, (_, i) => {
            const n = chunk * 500 + i;
            const id = randomUUID();
            ids.push(id);
            return createEnvelope({
              eventId: id,
              type: 'RegisterCustomer',
              version: 2,
              streamId: `cus-${n}`,
              data: {
                firstName: 'Grace',
                lastName: `Hopper ${n}`,
                email: `grace${n}@example.com`,
                phone: '+1 555 0100',
                birthDate: '1906-12-09',
                address: { street: `Main St ${n}`, postalCode: '10001', city: 'New York', country: 'US' },
                marketingOptIn: n % 2 === 0,
              },
            });
          });
          await appender.send(admin.log.topics.commands, envelopes.map(encodeEnvelope));
        }
      } finally {
        await appender.close();
      }

      const outcomes = async () =>
        Number(
          (
            await admin.pool.query<{ n: string }>(
              `select count(*)::text as n from ${admin.store.tables.outcomes}`,
            )
          ).rows[0]?.n ?? 0,
        );

      // Kill points: when the recorded outcomes pass random thresholds, so every kill lands
      // mid-drain, plus a random few milliseconds so it lands anywhere in a transaction.
      const thresholds = Array.from({ length: 4 }, () =>
        Math.floor(100 + Math.random() * commandCount * 0.6),
      ).sort((a, b) => a - b);
      const killedAt: number[] = [];
      let worker = spawnWorker(env);
      try {
        for (const threshold of thresholds) {
          await eventually(
            async () => ((await outcomes()) >= threshold ? true : undefined),
            120_000,
            `${threshold} outcomes`,
          );
          await new Promise((r) => setTimeout(r, Math.random() * 30));
          await killed(worker);
          killedAt.push(await outcomes());
          worker = spawnWorker(env);
        }
        await eventually(
          async () => ((await outcomes()) >= commandCount ? true : undefined),
          180_000,
          'all outcomes',
        );
      } finally {
        await killed(worker);
      }
      const kills = killedAt.filter((n) => n < commandCount).length;
      // Outcomes are counted by the recorder, which trails the worker: a kill can land just after
      // the last command was appended. At least three of the four landed mid-drain.
      expect(kills).toBeGreaterThanOrEqual(3);

      const perCommand = new Map<string, number>();
      const outcomesSeen = new Map<string, number>();
      for await (const batch of readLog({
        client: admin.log,
        topic: admin.log.topics.events,
        until: 'latest',
      })) {
        for (const record of batch.records) {
          const e = decodeEnvelope(record.value);
          const key = e.causationId ?? '';
          const into = e.type === 'CustomerRegistered' ? perCommand : outcomesSeen;
          into.set(key, (into.get(key) ?? 0) + 1);
        }
      }
      const missing = ids.filter((id) => !perCommand.has(id));
      const doubled = [...perCommand].filter(([, n]) => n !== 1);
      expect({ missing: missing.length, doubled: doubled.length, events: perCommand.size }).toEqual({
        missing: 0,
        doubled: 0,
        events: commandCount,
      });
      expect([...outcomesSeen.values()].every((n) => n === 1)).toBe(true);
      expect(outcomesSeen.size).toBe(commandCount);
    } finally {
      await admin.stop();
    }
  }, 300_000);
});
