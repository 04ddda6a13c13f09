import { readFile } from 'node:fs/promises';
import os from 'node:os';

export type MachineInfo = {
  readonly os: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly kafka: string;
  /** 1-minute load average when asked: other work on the machine skews results. */
  readonly loadAverage: number;
};

/** The Kafka version the project's local broker runs: the one scripts/kafka/pom.xml pins. */
const kafkaVersion = async (): Promise<string> => {
  const pom = await readFile(new URL('../../scripts/kafka/pom.xml', import.meta.url), 'utf8').catch(() => '');
  return /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1] ?? 'unknown';
};

/** What a result depends on: the machine, the runtime and the broker version. */
export const machineInfo = async (): Promise<MachineInfo> => ({
  os: `${os.type()} ${os.release()} (${os.arch()})`,
  cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
  cores: os.availableParallelism(),
  memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
  node: process.version,
  kafka: await kafkaVersion(),
  loadAverage: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
});

/** The machine as a markdown list, for the head of a results section. */
export const machineMarkdown = (m: MachineInfo): string =>
  [
    `- OS: ${m.os}`,
    `- CPU: ${m.cpu}, ${m.cores} cores`,
    `- Memory: ${m.memoryGiB} GiB`,
    `- Node.js: ${m.node}`,
    `- Apache Kafka: ${m.kafka} (one local broker, KRaft)`,
    `- Load average (1 min) before the bench: ${m.loadAverage}`,
  ].join('\n');
