// npm run bench [-- <bench>... [--runs=N]]: runs the named benches (default all), prints each
// result and writes it to bench/RESULTS.md.
import { commandsBench } from './commands.ts';
import { cutoverBench } from './cutover.ts';
import { latencyBench } from './latency.ts';
import { peersBench } from './peers.ts';
import { projectionsBench } from './projections.ts';
import { rebuildBench } from './rebuild.ts';
import { stagingBench } from './staging.ts';
import type { Bench } from './lib/Bench.ts';
import { machineInfo, machineMarkdown } from './lib/machineInfo.ts';
import { writeResults } from './lib/writeResults.ts';

const benches: readonly Bench[] = [
  commandsBench,
  stagingBench,
  projectionsBench,
  rebuildBench,
  cutoverBench,
  peersBench,
  latencyBench,
];

const args = process.argv.slice(2);
const runsArg = args.find((a) => a.startsWith('--runs='));
const runs = runsArg === undefined ? 3 : Number(runsArg.slice('--runs='.length));
const names = args.filter((a) => !a.startsWith('--'));
const unknown = names.filter((n) => !benches.some((b) => b.name === n));
if (unknown.length > 0 || !Number.isInteger(runs) || runs < 1) {
  process.stderr.write(
    `usage: npm run bench -- [${benches.map((b) => b.name).join('|')}]... [--runs=N]` +
      (unknown.length > 0 ? `\nunknown bench: ${unknown.join(', ')}\n` : '\n'),
  );
  process.exit(2);
}

const machine = await machineInfo();
const command = ['npm run bench', ...(args.length > 0 ? ['--', ...args] : [])].join(' ');
const scale = process.env.PROJECTIONIST_BENCH_SCALE;
for (const bench of benches.filter((b) => names.length === 0 || names.includes(b.name))) {
  const started = new Date();
  const body = await bench.run({ runs });
  const markdown = [
    `Run ${started.toISOString()}, ${runs} run${runs === 1 ? '' : 's'}, with \`${command}\`${
      scale === undefined ? '' : ` (PROJECTIONIST_BENCH_SCALE=${scale})`
    }.`,
    '',
    machineMarkdown(machine),
    '',
    body,
  ].join('\n');
  process.stdout.write(`\n## ${bench.section}\n\n${markdown}\n\n`);
  process.stdout.write(`written to ${await writeResults(bench.section, markdown)}\n`);
}
