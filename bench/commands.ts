import { loadConfig } from '../src/config/index.ts';
import { partitionFor } from '../src/log/index.ts';
import type { Bench } from './lib/Bench.ts';
import { runCommandLoad, type CommandTiming, type PlannedCommand } from './lib/commandLoad.ts';
import { markdownTable } from './lib/markdownTable.ts';
import { median, percentile } from './lib/percentile.ts';
import { startBenchProjectionist } from './lib/startBenchProjectionist.ts';
import { exampleCommand } from './exampleCommand.ts';

/** PROJECTIONIST_BENCH_SCALE (default 1) shrinks the command counts, e.g. 0.1 for a smoke run. */
const scale = Number(process.env.PROJECTIONIST_BENCH_SCALE ?? '1');

/** The configuration defaults the bench runs with. */
const defaults = loadConfig({});

const settings = {
  /** Commands sent as fast as the clients go. */
  loadCommands: Math.round(20_000 * scale),
  clients: 64,
  /** Commands sent at a steady rate, well under what the intake takes. */
  steadyCommands: Math.round(2_000 * scale),
  steadyPerSecond: 200,
  settleMs: 300_000,
};

type Figures = Record<(typeof rows)[number]['key'], number>;

const rows = [
  { key: 'intakeRate', label: 'full load: commands accepted (202) per second', unit: '/s' },
  { key: 'ack50', label: 'full load: 202 latency p50', unit: 'ms' },
  { key: 'ack99', label: 'full load: 202 latency p99', unit: 'ms' },
  { key: 'appliedRate', label: 'full load: commands applied (events readable) per second', unit: '/s' },
  { key: 'loadE2e50', label: 'full load: POST to events readable p50', unit: 'ms' },
  { key: 'loadE2e99', label: 'full load: POST to events readable p99', unit: 'ms' },
  { key: 'loadE2eMax', label: 'full load: POST to events readable max', unit: 'ms' },
  { key: 'steadyAck50', label: `steady ${settings.steadyPerSecond}/s: 202 latency p50`, unit: 'ms' },
  { key: 'steadyAck99', label: `steady ${settings.steadyPerSecond}/s: 202 latency p99`, unit: 'ms' },
  {
    key: 'steadyE2e50',
    label: `steady ${settings.steadyPerSecond}/s: POST to events readable p50`,
    unit: 'ms',
  },
  {
    key: 'steadyE2e99',
    label: `steady ${settings.steadyPerSecond}/s: POST to events readable p99`,
    unit: 'ms',
  },
  {
    key: 'steadyE2eMax',
    label: `steady ${settings.steadyPerSecond}/s: POST to events readable max`,
    unit: 'ms',
  },
  { key: 'failures', label: 'commands not 202, not applied, or not read back', unit: '' },
] as const;

const plan = (tag: string, count: number): PlannedCommand[] =>
  Array.from({ length: count }, (_, i) => exampleCommand(i, tag));

/** One command per commands partition, so every worker partition is warm before measuring. */
const warmup = (tag: string, partitions: number): PlannedCommand[] => {
  const byPartition = new Map<number, PlannedCommand>();
  for (let i = 0; byPartition.size < partitions; i++) {
    const command = exampleCommand(i, tag);
    const partition = partitionFor(command.streamId, partitions);
    if (!byPartition.has(partition)) byPartition.set(partition, command);
  }
  return [...byPartition.values()];
};

const summarize = (timings: readonly CommandTiming[]) => {
  const accepted = timings.filter((t) => t.status === 202);
  const applied = accepted.filter((t) => t.seenAt !== undefined && t.outcome === 'applied');
  const first = Math.min(...timings.map((t) => t.postedAt));
  const acks = accepted.map((t) => t.answeredAt - t.postedAt);
  const e2e = applied.map((t) => (t.seenAt ?? Number.NaN) - t.postedAt);
  return {
    intakeRate: accepted.length / ((Math.max(...accepted.map((t) => t.answeredAt)) - first) / 1000),
    appliedRate: applied.length / ((Math.max(...applied.map((t) => t.seenAt ?? 0)) - first) / 1000),
    ack50: percentile(acks, 50),
    ack99: percentile(acks, 99),
    e2e50: percentile(e2e, 50),
    e2e99: percentile(e2e, 99),
    e2eMax: percentile(e2e, 100),
    failures: timings.length - applied.length,
  };
};

const measureOnce = async (run: number): Promise<Figures> => {
  const bench = await startBenchProjectionist('commands');
  try {
    const partitions = bench.running.config.topics.commandsPartitions;
    const common = {
      url: `${bench.baseUrl}/commands`,
      brokers: bench.brokers,
      prefix: bench.prefix,
      settleMs: settings.settleMs,
    };
    const load = summarize(
      await runCommandLoad({
        ...common,
        warmup: warmup(`w${run}a`, partitions),
        commands: plan(`r${run}a`, settings.loadCommands),
        pace: { kind: 'closed', clients: settings.clients },
      }),
    );
    const steady = summarize(
      await runCommandLoad({
        ...common,
        warmup: warmup(`w${run}b`, partitions),
        commands: plan(`r${run}b`, settings.steadyCommands),
        pace: { kind: 'open', perSecond: settings.steadyPerSecond },
      }),
    );
    return {
      intakeRate: load.intakeRate,
      ack50: load.ack50,
      ack99: load.ack99,
      appliedRate: load.appliedRate,
      loadE2e50: load.e2e50,
      loadE2e99: load.e2e99,
      loadE2eMax: load.e2eMax,
      steadyAck50: steady.ack50,
      steadyAck99: steady.ack99,
      steadyE2e50: steady.e2e50,
      steadyE2e99: steady.e2e99,
      steadyE2eMax: steady.e2eMax,
      failures: load.failures + steady.failures,
    };
  } finally {
    await bench.stop();
  }
};

const format = (value: number, unit: string) =>
  Number.isNaN(value) ? 'n/a' : unit === 'ms' ? value.toFixed(1) : Math.round(value).toString();

/**
 * Commands over real HTTP into a real Projectionist (workers on, one local broker):
 * (a) intake throughput and 202 latency with `clients` keep-alive clients sending as fast as
 * answered; (b) latency from POST to the command's events being readable (read_committed) on
 * the events topic, under that full load and at a steady moderate rate.
 */
export const commandsBench: Bench = {
  name: 'commands',
  section: 'Commands: HTTP intake and end-to-end latency',
  run: async ({ runs }) => {
    const results: Figures[] = [];
    for (let run = 1; run <= runs; run++) {
      process.stdout.write(`commands: run ${run} of ${runs}\n`);
      results.push(await measureOnce(run));
    }
    const table = markdownTable(
      ['measure', ...results.map((_, i) => `run ${i + 1}`), `median of ${runs}`, 'unit'],
      rows.map(({ key, label, unit }) => [
        label,
        ...results.map((r) => format(r[key], unit)),
        format(median(results.map((r) => r[key])), unit),
        unit,
      ]),
    );
    return [
      `Each run starts a fresh Projectionist (own database and topics; ${defaults.topics.eventsPartitions} events and ${defaults.topics.commandsPartitions} commands`,
      `partitions, a pool of ${defaults.database.poolSize} connections: the defaults; command workers on,`,
      "HTTP on a free port) and drives it from a worker thread that sends over HTTP with node's fetch",
      '(keep-alive) and tails the events topic read_committed:',
      '',
      `- full load: ${settings.loadCommands} commands sent by ${settings.clients} clients, each sending its next command when`,
      '  the last is answered;',
      `- steady: ${settings.steadyCommands} commands at ${settings.steadyPerSecond}/s, open loop (sent on schedule, answered or not).`,
      '',
      'The commands are RegisterCustomer, PlaceOrder and RecordPayment in turn, each on a stream of its own,',
      'after one warm-up command per commands partition. "Events readable" is from the start of the POST',
      'to the tail reading the first event the command caused (its events and outcome commit in one',
      'Kafka transaction). Throughputs are over the time from the first POST to the last 202 (or event).',
      '',
      table,
    ].join('\n');
  },
};
