import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { deadLetterRecord, type DeadLetter } from '../../src/commands/index.ts';
import { Appender, createEnvelope, encodeEnvelope } from '../../src/log/index.ts';
import { startProjectionist } from '../../src/main.ts';
import { useTestDatabase } from '../harness/testServices.ts';
import { eventually, testEnv } from '../harness/testEnv.ts';

const run = promisify(execFile);

const cli = (env: Record<string, string>, ...args: string[]) =>
  run(process.execPath, ['src/cli/main.ts', ...args], {
    env: { ...process.env, ...env },
  });

describe('the dead-letters CLI', () => {
  it('lists dead letters judged by the current contracts and re-drives the ones they now accept', async () => {
    const env = testEnv(await useTestDatabase());
    const r = await startProjectionist({ env, http: true, workers: true });
    try {
      const id = randomUUID();
      const payload = {
        firstName: 'Katherine',
        lastName: 'Johnson',
        email: 'kj@example.com',
        phone: '+1 555 0101',
        birthDate: '1918-08-26',
        address: { street: '1 Langley', postalCode: '23665', city: 'Hampton', country: 'US' },
        marketingOptIn: false,
      };
      const readable = encodeEnvelope(
        createEnvelope({
          eventId: id,
          type: 'RegisterCustomer',
          version: 2,
          streamId: 'cus-kj',
          data: payload,
        }),
      );
      const source = (offset: bigint, value: Buffer, key: string) => ({
        partition: 0,
        offset,
        key,
        value,
        headers: {},
        timestamp: '0',
      });
      const appender = await new Appender(r.log).connect();
      try {
        await appender.send(r.log.topics.deadLetters, [
          deadLetterRecord({
            record: source(7n, readable.value, 'cus-kj'),
            topic: r.log.topics.commands,
            reason: 'RegisterCustomer v2 was unknown to that worker',
          }),
          deadLetterRecord({
            record: source(8n, Buffer.from('{"broken"'), 'x'),
            topic: r.log.topics.commands,
            reason: 'malformed envelope',
          }),
        ]);
      } finally {
        await appender.close();
      }

      const listed = JSON.parse((await cli(env, 'dead-letters', 'list', '--json')).stdout) as DeadLetter[];
      expect(listed.map((d) => [d.offset, d.now.status, d.reason])).toEqual([
        ['0', 'accepted', 'RegisterCustomer v2 was unknown to that worker'],
        ['1', 'unreadable', 'malformed envelope'],
      ]);
      expect(listed[0]?.source).toBe(`${r.log.topics.commands}[0]@7`);

      const redrive = await cli(env, 'dead-letters', 'redrive');
      expect(redrive.stdout).toContain('re-driven 1 dead letter(s)');
      expect(redrive.stdout).toContain('1 still unreadable');
      const outcome = await eventually(async () => {
        const res = await r.app!.inject({ method: 'GET', url: `/commands/${id}` });
        return res.json<{ status: string }>().status === 'applied'
          ? res.json<{ status: string }>()
          : undefined;
      });
      expect(outcome.status).toBe('applied');
    } finally {
      await r.stop();
    }
  });
});
