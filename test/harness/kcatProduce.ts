import { spawn } from 'node:child_process';

/** One record as kcat reads it from stdin: an optional key, a one-line value. */
export type KcatRecord = { readonly key?: string; readonly value: string | Buffer };

/**
 * Produces records with kcat (librdkafka, as Go, Python, Rust and C# services do): its default
 * partitioner is CRC32 "consistent_random", not murmur2, and a record without a key lands on a
 * random partition. Give every record a key, or none. `headers` go on every record; none by
 * default (what such services send). The client lets records of up to 20 MB through, so that a
 * record too large is the broker's to refuse. Answers kcat's exit code and what it printed on
 * stderr (the broker's refusals).
 */
export const kcatProduce = (options: {
  brokers: readonly string[];
  topic: string;
  records: readonly KcatRecord[];
  headers?: Readonly<Record<string, string>>;
}): Promise<{ code: number | null; stderr: string }> => {
  const keyed = options.records.every((r) => r.key !== undefined);
  if (!keyed && options.records.some((r) => r.key !== undefined))
    throw new Error('kcatProduce: give every record a key, or none');
  const args = ['-P', '-b', options.brokers.join(','), '-t', options.topic, '-z', 'none'];
  args.push('-X', 'message.max.bytes=20000000');
  if (keyed) args.push('-K', '\t');
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}=${value}`);
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stderr: stderr.trim() }));
    for (const r of options.records) {
      if (keyed) child.stdin.write(`${r.key ?? ''}\t`);
      child.stdin.write(r.value);
      child.stdin.write('\n');
    }
    child.stdin.end();
  });
};

/** kcatProduce that fails unless kcat put every record on the topic. */
export const kcatProduceAll = async (options: Parameters<typeof kcatProduce>[0]): Promise<void> => {
  const { code, stderr } = await kcatProduce(options);
  if (code !== 0) throw new Error(`kcat exited with ${code}: ${stderr}`);
};
