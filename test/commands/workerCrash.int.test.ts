import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  Appender,
  createEnvelope,
  decodeEnvelope,
  encodeEnvelope,
  highWatermarks,
  readLog,
} from '../../src/log/index.ts';
import { startProjectionist } from '../../src/main.ts';
import { useTestDatabase } from '../harness/testServices.ts';
import { testEnv } from '../harness/testEnv.ts';

// Commands go in in waves; a kill follows each wave a random few milliseconds after its first
// events reach the log, so it lands mid-drain, anywhere in a transaction. Waves continue (up to
// maxWaves) until `killsWanted` kills landed with commands of the wave still not appended.
const waveSize = 1_000;
const killsWanted = 4;
const maxWaves = 10;

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
      const sendWave = async () => {
        const envelopes = Array.from({ length: waveSize }, () => {
          const n = ids.length;
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
      };

      const outcomes = async () =>
        Number(
          (
            await admin.pool.query<{ n: string }>(
              `select count(*)::text as n from ${admin.store.tables.outcomes}`,
            )
          ).rows[0]?.n ?? 0,
        );
      const reach = async (count: number, timeoutMs: number) => {
        const deadline = Date.now() + timeoutMs;
        while ((await outcomes()) < count) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} outcomes`);
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      const logEnd = async () => {
        let end = 0n;
        for (const offset of (
          await highWatermarks({ client: admin.log, topic: admin.log.topics.events })
        ).values())
          end += offset;
        return end;
      };
      const appended = async () => {
        let count = 0;
        for await (const batch of readLog({
          client: admin.log,
          topic: admin.log.topics.events,
          until: 'latest',
        }))
          for (const record of batch.records)
            if (decodeEnvelope(record.value).type === 'CustomerRegistered') count++;
        return count;
      };

      const killedAt: { appended: number; sent: number }[] = [];
      const midDrain = () => killedAt.filter((k) => k.appended < k.sent).length;
      let worker = spawnWorker(env);
      try {
        while (midDrain() < killsWanted && killedAt.length < maxWaves) {
          const start = await logEnd();
          await sendWave();
          // Polled every few milliseconds: a worker drains a wave in a few hundred.
          const deadline = Date.now() + 120_000;
          while ((await logEnd()) === start) {
            if (Date.now() > deadline) throw new Error('timed out waiting for the wave to reach the log');
            await new Promise((r) => setTimeout(r, 5));
          }
          await new Promise((r) => setTimeout(r, Math.random() * 50));
          await killed(worker);
          killedAt.push({ appended: await appended(), sent: ids.length });
          worker = spawnWorker(env);
        }
        await reach(ids.length, 180_000);
      } finally {
        await killed(worker);
        await appender.close();
      }
      const commandCount = ids.length;
      expect(midDrain(), JSON.stringify(killedAt)).toBe(killsWanted);

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
