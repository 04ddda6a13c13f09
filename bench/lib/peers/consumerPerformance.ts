import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { PeerFigures } from './PeerFigures.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The Kafka version the project's broker runs: scripts/kafka/pom.xml pins it. */
const kafkaVersion = async (): Promise<string> => {
  const pom = await readFile(`${root}scripts/kafka/pom.xml`, 'utf8');
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  if (version === undefined) throw new Error('scripts/kafka/pom.xml pins no kafka.version');
  return version;
};

/**
 * The class path of Kafka's ConsumerPerformance: the broker's jars (scripts/services fetches
 * them) and kafka-tools, which the broker does not need, fetched here once from Maven Central
 * into the same cache (the rest of the tool's dependencies are the broker's).
 */
const toolsClassPath = async (): Promise<string> => {
  const version = await kafkaVersion();
  const cache = `${process.env.PROJECTIONIST_CACHE_DIR ?? `${root}.cache`}/kafka/${version}`;
  const jar = `${cache}/tools/kafka-tools-${version}.jar`;
  if (!existsSync(`${cache}/libs/.complete`))
    throw new Error(`no Kafka jars in ${cache}/libs: run npm run services -- start first`);
  if (!existsSync(jar)) {
    process.stdout.write(`peers: fetching kafka-tools ${version} from Maven Central\n`);
    const mvn = spawnSync(
      'mvn',
      [
        '-q',
        '-B',
        'dependency:copy',
        `-Dartifact=org.apache.kafka:kafka-tools:${version}`,
        `-DoutputDirectory=${cache}/tools`,
      ],
      { encoding: 'utf8', cwd: cache },
    );
    if (mvn.status !== 0 || !existsSync(jar))
      throw new Error(`maven could not fetch kafka-tools ${version}: ${mvn.stdout}${mvn.stderr}`);
  }
  return `${cache}/libs/*:${jar}`;
};

/** utime + stime (ms) and the peak RSS (MiB) of a live process, from /proc. */
const processUsage = async (pid: number) => {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const hwmKiB = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuMs: (Number(fields[11]) + Number(fields[12])) * 10, rssMiB: hwmKiB / 1024 };
};

/**
 * Kafka's own consumer read rate: org.apache.kafka.tools.ConsumerPerformance reads `messages`
 * records of `topic` from the beginning (a fresh group) and reports its fetch rate, which leaves
 * out the group join. Its CPU and peak RSS are the whole JVM's, start-up included, sampled from
 * /proc every 100 ms (so up to the last 100 ms are missed). Fails unless it read them all.
 */
export const consumerPerformance = async (options: ConsumerPerformanceOptions): Promise<PeerFigures> => {
  try {
    return await readOnce(options);
  } catch (error) {
    // Seen once on a loaded machine: the tool read nothing before its timeout. Once more, then fail.
    process.stdout.write(`peers: ${(error as Error).message.split('\n')[0]}; trying once more\n`);
    return readOnce(options);
  }
};

type ConsumerPerformanceOptions = { brokers: string; topic: string; messages: number };

const readOnce = async (options: ConsumerPerformanceOptions): Promise<PeerFigures> => {
  const classPath = await toolsClassPath();
  const args = [
    '-Xms256m',
    '-Xmx512m',
    '-XX:+UseG1GC',
    '-cp',
    classPath,
    'org.apache.kafka.tools.ConsumerPerformance',
    '--bootstrap-server',
    options.brokers,
    '--topic',
    options.topic,
    '--messages',
    String(options.messages),
    '--group',
    `peers-perf-${randomUUID()}`,
    '--timeout',
    '30000',
  ];
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  let usage = { cpuMs: 0, rssMiB: 0 };
  const sampler = setInterval(() => {
    if (child.pid !== undefined)
      processUsage(child.pid).then(
        // Max of each: an exiting process's status no longer shows its memory.
        (u) => (usage = { cpuMs: Math.max(usage.cpuMs, u.cpuMs), rssMiB: Math.max(usage.rssMiB, u.rssMiB) }),
        () => undefined,
      );
  }, 100);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  }).finally(() => clearInterval(sampler));
  // A header "start.time, end.time, data.consumed.in.MB, ..., fetch.nMsg.sec", then one line of values.
  const lines = out.split('\n').map((l) => l.split(',').map((s) => s.trim()));
  const names = lines.find((l) => l.includes('fetch.nMsg.sec')) ?? [];
  const values = lines.findLast((l) => l.length === names.length && /^\d{4}-/.test(l[0] ?? '')) ?? [];
  const field = (name: string) => Number(values[names.indexOf(name)]);
  const read = field('data.consumed.in.nMsg');
  if (code !== 0 || read !== options.messages)
    throw new Error(`ConsumerPerformance read ${read} of ${options.messages} (exit ${code}): ${out}${err}`);
  return {
    system: 'consumerPerformance',
    projection: '(any)',
    events: read,
    targetEvents: options.messages,
    tookMs: field('fetch.time.ms'),
    perSecond: field('fetch.nMsg.sec'),
    cpuMs: usage.cpuMs,
    postgresCpuMs: 0,
    peakRssMiB: usage.rssMiB,
    checksums: [],
    partsMs: { rebalance: field('rebalance.time.ms') },
  };
};
