import { spawn } from 'node:child_process';
import { faultEnv } from './faultEnv.ts';

/**
 * Puts records on a topic with kcat (librdkafka), as a service written in another language
 * would: its default partitioner (consistent_random: CRC32 of the key, a random partition for
 * no key), not the project's murmur2. One value per line; `key` per record only when `keyed`
 * (then the line is `key|value`); `headers` go on every record of the call. Answers what kcat
 * printed on stderr (the broker's refusals, e.g. a record over message.max.bytes).
 */
export const kcatProduce = (options: {
  topic: string;
  records: readonly { key?: string; value: string | Buffer }[];
  keyed: boolean;
  headers?: Readonly<Record<string, string>>;
}): Promise<{ code: number | null; stderr: string }> =>
  new Promise((resolve, reject) => {
    const args = [
      '-P',
      '-b',
      faultEnv.brokers.join(','),
      '-t',
      options.topic,
      '-X',
      'message.max.bytes=20000000',
    ];
    if (options.keyed) args.push('-K', '|');
    for (const [k, v] of Object.entries(options.headers ?? {})) args.push('-H', `${k}=${v}`);
    const child = spawn('kcat', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stderr: stderr.trim() }));
    for (const r of options.records) {
      if (options.keyed) child.stdin.write(`${r.key ?? ''}|`);
      child.stdin.write(r.value);
      child.stdin.write('\n');
    }
    child.stdin.end();
  });
