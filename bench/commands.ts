import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { loadConfig } from '../src/config/index.ts';
import { qualifiedName, stableSchemaName } from '../src/definitions/index.ts';
import { partitionFor } from '../src/log/index.ts';
import type { Bench } from './lib/Bench.ts';
import { runCommandLoad, type CommandTiming, type PlannedCommand } from './lib/commandLoad.ts';
import { markdownTable } from './lib/markdownTable.ts';
import { median, percentile } from './lib/percentile.ts';
import { startBenchProjectionist } from './lib/startBenchProjectionist.ts';
import { exampleCommand } from './exampleCommand.ts';

/** PROJECTIONIST_BENCH_SCALE (default 1) shrinks the command counts, e.g. 0.1 for a smoke run. */
const scale = Number(process.env.PROJECTIONIST_BENCH_SCALE ?? '1');

/**
 * PROJECTIONIST_BENCH_STEADY_RATE (default 1000, the goal's rate) sets the steady load's commands a
 * second: on a machine whose full load is near 1,000/s the steady tail is a queue, and a lower rate
 * shows the latency.
 */
const steadyRateText = process.env.PROJECTIONIST_BENCH_STEADY_RATE ?? '1000';
const steadyRate = Number(steadyRateText);
if (!Number.isInteger(steadyRate) || steadyRate < 1) {
  process.stderr.write(
    `PROJECTIONIST_BENCH_STEADY_RATE must be a whole number of commands a second, 1 or more (got ${JSON.stringify(steadyRateText)})\n`,
  );
  process.exit(2);
}

/** The configuration defaults the bench runs with. */
const defaults = loadConfig({});

const settings = {
  /** Commands sent as fast as the clients go. */
  loadCommands: Math.round(20_000 * scale),
  clients: 64,
  /** Commands sent at a steady rate, well under what the intake takes. */
  steadyCommands: Math.round(10_000 * scale),
  steadyPerSecond: steadyRate,
  settleMs: 300_000,
};

type Figures = Record<(typeof rows)[number]['key'], number>;

const steady = `steady ${settings.steadyPerSecond}/s`;
const rows = [
  { key: 'intakeRate', label: 'full load: commands accepted (202) per second', unit: '/s', goal: '≥ 5,000' },
  { key: 'ack50', label: 'full load: 202 latency p50', unit: 'ms', goal: '' },
  { key: 'ack99', label: 'full load: 202 latency p99', unit: 'ms', goal: '≤ 50' },
  {
    key: 'appliedRate',
    label: 'full load: commands applied (events readable) per second',
    unit: '/s',
    goal: '',
  },
  { key: 'loadE2e50', label: 'full load: POST to events readable p50', unit: 'ms', goal: '' },
  { key: 'loadE2e99', label: 'full load: POST to events readable p99', unit: 'ms', goal: '' },
  { key: 'steadyAck50', label: `${steady}: 202 latency p50`, unit: 'ms', goal: '' },
  { key: 'steadyAck99', label: `${steady}: 202 latency p99`, unit: 'ms', goal: '' },
  { key: 'steadyE2e50', label: `${steady}: POST to events readable p50`, unit: 'ms', goal: '' },
  { key: 'steadyE2e99', label: `${steady}: POST to events readable p99`, unit: 'ms', goal: '≤ 30' },
  { key: 'steadyE2eMax', label: `${steady}: POST to events readable max`, unit: 'ms', goal: '' },
  {
    key: 'steadyRow50',
    label: `${steady}: POST to row visible in the stable view p50`,
    unit: 'ms',
    goal: '',
  },
  {
    key: 'steadyRow99',
    label: `${steady}: POST to row visible in the stable view p99`,
    unit: 'ms',
    goal: '≤ 50',
  },
  {
    key: 'steadyRowMax',
    label: `${steady}: POST to row visible in the stable view max`,
    unit: 'ms',
    goal: '',
  },
  {
    key: 'failures',
    label: 'commands not 202, not applied, not read back, or row not seen',
    unit: '',
    goal: '0',
  },
] as const;

/** The commands; each RegisterCustomer (every third) is followed to its customer-directory row. */
const plan = (tag: string, count: number): PlannedCommand[] =>
  Array.from({ length: count }, (_, i) => {
    const command = exampleCommand(i, tag);
    return i % 3 === 0 ? { ...command, rowKey: command.streamId } : command;
  });

/** The customer-directory table of the stable view (the active version's), keyed by customer id. */
const customerRows = (databaseUrl: string) => ({
  databaseUrl,
  table: qualifiedName(stableSchemaName('customer-directory'), 'customers'),
  column: 'id',
});

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
  const followed = timings.filter((t) => t.rowSeenAt !== undefined);
  const row = followed.map((t) => (t.rowSeenAt ?? Number.NaN) - t.postedAt);
  return {
    intakeRate: accepted.length / ((Math.max(...accepted.map((t) => t.answeredAt)) - first) / 1000),
    appliedRate: applied.length / ((Math.max(...applied.map((t) => t.seenAt ?? 0)) - first) / 1000),
    ack50: percentile(acks, 50),
    ack99: percentile(acks, 99),
    e2e50: percentile(e2e, 50),
    e2e99: percentile(e2e, 99),
    e2eMax: percentile(e2e, 100),
    row50: percentile(row, 50),
    row99: percentile(row, 99),
    rowMax: percentile(row, 100),
    followed: followed.length,
    failures: timings.length - applied.length,
  };
};

/** Waits until the engine has made a version of customer-directory active (its stable view exists). */
const waitForTable = async (databaseUrl: string, table: string) => {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    for (const deadline = Date.now() + 120_000; ; await sleep(100)) {
      const found = await db.query<{ t: string | null }>(`select to_regclass($1) as t`, [table]);
      if (found.rows[0]?.t !== null) return;
      if (Date.now() > deadline) throw new Error(`${table} did not appear within 120 s`);
    }
  } finally {
    await db.end();
  }
};

const measureOnce = async (run: number): Promise<Figures> => {
  const bench = await startBenchProjectionist('commands', {}, { engine: true });
  await waitForTable(bench.databaseUrl, customerRows(bench.databaseUrl).table);
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
        rows: customerRows(bench.databaseUrl),
      }),
    );
    const unfollowed = Math.ceil(settings.steadyCommands / 3) - steady.followed;
    return {
      intakeRate: load.intakeRate,
      ack50: load.ack50,
      ack99: load.ack99,
      appliedRate: load.appliedRate,
      loadE2e50: load.e2e50,
      loadE2e99: load.e2e99,
      steadyAck50: steady.ack50,
      steadyAck99: steady.ack99,
      steadyE2e50: steady.e2e50,
      steadyE2e99: steady.e2e99,
      steadyE2eMax: steady.e2eMax,
      steadyRow50: steady.row50,
      steadyRow99: steady.row99,
      steadyRowMax: steady.rowMax,
      failures: load.failures + steady.failures + unfollowed,
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
      ['measure', ...results.map((_, i) => `run ${i + 1}`), `median of ${runs}`, 'unit', 'goal'],
      rows.map(({ key, label, unit, goal }) => [
        label,
        ...results.map((r) => format(r[key], unit)),
        format(median(results.map((r) => r[key])), unit),
        unit,
        goal,
      ]),
    );
    return [
      `Each run starts a fresh Projectionist (own database and topics; ${defaults.topics.eventsPartitions} events and ${defaults.topics.commandsPartitions} commands`,
      `partitions, a pool of ${defaults.database.poolSize} connections: the defaults; command workers and the projections on, as \`serve\` runs,`,
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
      '"Row visible" follows every RegisterCustomer of the steady load to its row in customer-directory\'s',
      'stable view (the active version), polled every 5 ms from the load thread over its own connection.',
      '',
      table,
    ].join('\n');
  },
};
