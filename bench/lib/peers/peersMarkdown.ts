import { markdownTable } from '../markdownTable.ts';
import { median } from '../percentile.ts';
import type { PeerFigures, PeerSystem } from './PeerFigures.ts';
import type { StageTime } from './profileStages.ts';
import { checksumKey } from './tableChecksums.ts';

/** What the peers bench measured; runs by `<projection>/<system>`. */
export type PeerResults = {
  readonly events: number;
  readonly smallEvents: number;
  readonly limitS: number;
  readonly runs: number;
  readonly produceMs: number;
  /** The commit the engine was at, and whether src/ differed from it. */
  readonly engine: string;
  /** The 1-minute load average at the start of each run. */
  readonly loads: number[];
  readonly full: Map<string, PeerFigures[]>;
  readonly small: Map<string, PeerFigures[]>;
  readonly profiles: Map<string, { readonly figures: PeerFigures; readonly stages: readonly StageTime[] }>;
  tookMs: number;
};

const systems: readonly { readonly system: PeerSystem; readonly label: string }[] = [
  { system: 'ceiling', label: 'ceiling: in memory, no broker' },
  { system: 'projectionist', label: 'Projectionist rebuild' },
  { system: 'eachMessage', label: 'kafkajs eachMessage + pg upsert' },
  { system: 'consumerPerformance', label: 'Kafka ConsumerPerformance (read only)' },
];

const n = (value: number, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';
const m = (runs: readonly PeerFigures[], f: (r: PeerFigures) => number) => median(runs.map(f));
const complete = (f: PeerFigures) => f.events === f.targetEvents;

/** How a system's tables compared: every complete run's checksums against the ceiling's. */
const tablesCell = (
  results: PeerResults,
  projection: string,
  system: PeerSystem,
  runs: readonly PeerFigures[],
) => {
  if (system === 'consumerPerformance') return 'writes none';
  const reference = results.full.get(`${projection}/ceiling`)?.[0];
  const equal = (f: PeerFigures) =>
    reference !== undefined && checksumKey(f.checksums) === checksumKey(reference.checksums);
  const whole = runs.filter(complete);
  const parts = [
    whole.length === 0
      ? ''
      : `${whole.every(equal) ? 'equal' : 'DIFFERENT'} (${whole.length} of ${runs.length} runs)`,
  ];
  if (whole.length < runs.length) {
    const small = results.small.get(`${projection}/${system}`) ?? [];
    const smallReference = results.small.get(`${projection}/ceiling`)?.[0];
    const same =
      small.length > 0 &&
      smallReference !== undefined &&
      small.every((f) => complete(f) && checksumKey(f.checksums) === checksumKey(smallReference.checksums));
    parts.push(`partial; on the first ${n(results.smallEvents)} events: ${same ? 'equal' : 'DIFFERENT'}`);
  }
  return parts.filter((p) => p !== '').join('; ');
};

const resultsTable = (results: PeerResults) => {
  const rows: string[][] = [];
  for (const projection of ['order-totals', 'customer-directory']) {
    const ceiling = m(results.full.get(`${projection}/ceiling`) ?? [], (r) => r.perSecond);
    for (const { system, label } of systems) {
      const runs = results.full.get(`${projection}/${system}`) ?? [];
      if (runs.length === 0) continue;
      const rate = m(runs, (r) => r.perSecond);
      const read = m(runs, (r) => r.events);
      rows.push([
        projection,
        label,
        n(rate),
        n(rate / ceiling, 3),
        n(
          m(runs, (r) => (r.cpuMs * 1000) / r.events),
          1,
        ),
        system === 'consumerPerformance'
          ? '–'
          : n(
              m(runs, (r) => (r.postgresCpuMs * 1000) / r.events),
              1,
            ),
        n(m(runs, (r) => r.peakRssMiB)),
        runs.every(complete)
          ? n(read)
          : `${n(read)} of ${n(runs[0]?.targetEvents ?? 0)} (${results.limitS} s limit)`,
        tablesCell(results, projection, system, runs),
      ]);
    }
  }
  return markdownTable(
    [
      'projection',
      'system',
      'events/s',
      'ratio to ceiling',
      'client CPU µs/event',
      'PostgreSQL CPU µs/event',
      'peak RSS MiB',
      'events read',
      'tables (checksums)',
    ],
    rows,
  );
};

const checksumTable = (results: PeerResults) => {
  const rows: string[][] = [];
  for (const [label, set] of [
    [`all ${n(results.events)}`, results.full],
    [`first ${n(results.smallEvents)}`, results.small],
  ] as const)
    for (const projection of ['order-totals', 'customer-directory']) {
      const reference = set.get(`${projection}/ceiling`)?.[0];
      if (reference === undefined) continue;
      const profiled = set === results.full ? results.profiles.get(projection)?.figures : undefined;
      const same = systems
        .map(({ system }) => {
          const runs = [
            ...(set.get(`${projection}/${system}`) ?? []),
            ...(system === 'projectionist' && profiled !== undefined ? [profiled] : []),
          ].filter((f) => complete(f) && f.checksums.length > 0);
          const equal = runs.filter((f) => checksumKey(f.checksums) === checksumKey(reference.checksums));
          return runs.length === 0 ? '' : `${system} ${equal.length}/${runs.length}`;
        })
        .filter((s) => s !== '')
        .join(', ');
      for (const sum of reference.checksums)
        rows.push([label, projection, sum.table, n(sum.rows), sum.md5, same]);
    }
  return markdownTable(
    ['events', 'projection', 'table', 'rows', 'md5 of the rows', 'runs equal to it'],
    rows,
  );
};

const profileTable = (results: PeerResults) => {
  const order = ['order-totals', 'customer-directory'].filter((p) => results.profiles.has(p));
  const profiles = order.map((p) => results.profiles.get(p));
  const stages = profiles[0]?.stages.map((s) => s.stage) ?? [];
  const busy = profiles.map((p) => (p?.stages ?? []).filter((s) => !s.stage.startsWith('idle')));
  const total = busy.map((b) => b.reduce((sum, s) => sum + s.usPerEvent, 0));
  const rows = stages
    .filter((stage) => !stage.startsWith('idle'))
    .map((stage) => [
      stage,
      ...busy.flatMap((b, i) => {
        const us = b.find((s) => s.stage === stage)?.usPerEvent ?? 0;
        return [n(us, 2), `${n((100 * us) / (total[i] ?? 1), 1)}%`];
      }),
    ]);
  rows.push(['**CPU in the profile, all stages**', ...total.flatMap((t) => [`**${n(t, 2)}**`, '100%'])]);
  rows.push([
    'idle (waiting on Kafka or PostgreSQL)',
    ...profiles.flatMap((p) => [
      n(p?.stages.find((s) => s.stage.startsWith('idle'))?.usPerEvent ?? 0, 2),
      '',
    ]),
  ]);
  rows.push(['events/s under the profiler', ...profiles.flatMap((p) => [n(p?.figures.perSecond ?? 0), ''])]);
  return markdownTable(
    ['stage (self time, by file)', ...order.flatMap((p) => [`${p} µs/event`, 'share'])],
    rows,
  );
};

/** The bench's section of bench/RESULTS.md. */
export const peersMarkdown = (results: PeerResults, problems: readonly string[]): string => {
  const parts = (projection: string, system: PeerSystem, part: string) =>
    n(
      m(results.full.get(`${projection}/${system}`) ?? [], (r) => (r.partsMs?.[part] ?? 0) / 1000),
      1,
    );
  return [
    `${n(results.events)} example-domain events (bench/lib/exampleEvents.ts), appended once (${n(results.produceMs / 1000, 1)} s)`,
    'to 6 partitions of one local broker; every system reads the same events (the ceiling regenerates them, with the',
    `same stream ids, as the JSON strings the log holds). Medians of ${results.runs} run${results.runs === 1 ? '' : 's'},`,
    'runs interleaved, each system in a fresh node process and a fresh database:',
    '',
    '- **ceiling**: the JSON strings with their types and schema fingerprints (the pj-type and pj-schema headers) in',
    '  memory; timed: JSON.parse of the events the projection reads, the contracts’ decode from events/index.ts as a',
    '  replay does it (upcasts; zod validation unless the fingerprint is the newest schema’s), a hand-written fold',
    '  into Maps (bench/lib/peers/*Peer.ts), one COPY per table in one transaction.',
    '- **Projectionist rebuild**: replayProjection from the broker into empty tables, default limits, a pool of 4.',
    '- **kafkajs eachMessage + pg upsert**: what a team writes without a framework: kafkajs 2.2.4 consumer (fresh group,',
    '  defaults), JSON.parse, the contracts’ decode validating every event, one SQL statement per event on one',
    '  connection (autocommit);',
    `  timed from its first message, stopped after ${results.limitS} s. When it stops short, its tables are compared on the first`,
    `  ${n(results.smallEvents)} events of the same log instead (every system run to the end of that prefix).`,
    '- **Kafka ConsumerPerformance**: org.apache.kafka.tools.ConsumerPerformance from the broker’s jars (4.1.1), reading',
    '  every record once; its fetch rate (group join left out). Its CPU and RSS are the whole JVM’s, start-up included.',
    '',
    'Client CPU is the node process’s (process.cpuUsage) over the timed part; PostgreSQL CPU is utime+stime of the',
    'backends of the run’s database (from /proc; WAL writer and checkpointer not included); peak RSS is the process’s',
    'maxRSS (the ceiling’s includes the log it holds in memory). Tables: `count(*)` and',
    '`md5(string_agg(t::text order by <primary key>))` of every table after each run; the bench fails when they differ.',
    `Load average (1 min) at the start of each run: ${results.loads.map((l) => n(l, 2)).join(', ')}.`,
    `Engine: ${results.engine}. The whole bench took ${n(results.tookMs / 60_000, 1)} min.`,
    ...(problems.length === 0 ? [] : ['', '**The tables differ:**', ...problems.map((p) => `- ${p}`)]),
    '',
    resultsTable(results),
    '',
    `Ceiling time split (medians, s): order-totals fold ${parts('order-totals', 'ceiling', 'fold')}, COPY ${parts('order-totals', 'ceiling', 'copy')};`,
    `customer-directory fold ${parts('customer-directory', 'ceiling', 'fold')}, COPY ${parts('customer-directory', 'ceiling', 'copy')}.`,
    `Projectionist flush transactions (sum, s): order-totals ${parts('order-totals', 'projectionist', 'flush')}, customer-directory ${parts('customer-directory', 'projectionist', 'flush')}.`,
    '',
    'Checksums (the ceiling’s first run; every complete run of every system is compared with it):',
    '',
    checksumTable(results),
    '',
    `### Where a replay’s time goes`,
    '',
    `One replay of each projection of the ${n(results.events)} events under \`node --cpu-prof\` (1 ms sampling), self time`,
    'attributed by the file of the function (bench/lib/peers/profileStages.ts), per event of the log. Builtins',
    '(JSON.parse, Map, Buffer) count to the JS function that calls them: JSON.parse is inside',
    'src/log/codec.ts’s decodeEnvelope; node’s own code counts to its nearest caller outside node. Only the samples',
    'of the replay count (from its start to the flush of its last event: no start-up, no checksum).',
    '',
    profileTable(results),
  ].join('\n');
};
