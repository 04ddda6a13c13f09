import { spawn } from 'node:child_process';

/** One record as kcat reads it from stdin: an optional key, a one-line value. */
export type KcatRecord = { readonly key?: string; readonly value: string };

/**
 * Produces records with kcat (librdkafka, as Go, Python, Rust and C# services do): its default
 * partitioner is CRC32 "consistent_random", not murmur2, and a record without a key lands on a
 * random partition. `headers` go on every record; none by default (what such services send).
 */
export const kcatProduce = (options: {
  brokers: readonly string[];
  topic: string;
  records: readonly KcatRecord[];
  headers?: Readonly<Record<string, string>>;
}): Promise<void> => {
  const keyed = options.records.every((r) => r.key !== undefined);
  if (!keyed && options.records.some((r) => r.key !== undefined))
    throw new Error('kcatProduce: give every record a key, or none');
  const args = ['-P', '-b', options.brokers.join(','), '-t', options.topic, '-z', 'none'];
  if (keyed) args.push('-K', '\t');
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}=${value}`);
  const input =
    options.records.map((r) => (keyed ? `${r.key ?? ''}\t${r.value}` : r.value)).join('\n') + '\n';
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`kcat exited with ${code}: ${stderr.trim()}`)),
    );
    child.stdin.end(input);
  });
};
