// The fault suite's runner (started by scripts/faults, which brings up the suite's own broker and
// PostgreSQL): runs the scenarios named on the command line (default all), prints the report and
// writes it to <PROJECTIONIST_FAULTS_DIR>/report.md. Exit 1 when any count that must be 0 is not.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { instances } from '../test/faults/instances.ts';
import { outages } from '../test/faults/outages.ts';
import { poison } from '../test/faults/poison.ts';
import { rebuildKills } from '../test/faults/rebuildKills.ts';
import { faultEnv } from '../test/faults/support/faultEnv.ts';
import { faultSeed, type Scenario, type ScenarioResult } from '../test/faults/support/scenarioResult.ts';

const all: readonly Scenario[] = [rebuildKills, outages, instances, poison];
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !all.some((s) => s.name === name));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown scenario ${unknown.join(', ')}; known: ${all.map((s) => s.name).join(', ')}\n`,
  );
  process.exit(2);
}
const chosen = asked.length === 0 ? all : asked.map((name) => all.find((s) => s.name === name) as Scenario);

const say = (line: string) => process.stdout.write(`[faults] ${line}\n`);
const results: ScenarioResult[] = [];
const started = Date.now();
for (const scenario of chosen) {
  say(`${scenario.name}: ${scenario.title}`);
  const t0 = Date.now();
  try {
    const r = await scenario.run();
    results.push({ ...r, name: scenario.name, title: scenario.title, durationMs: Date.now() - t0 });
  } catch (error) {
    results.push({
      name: scenario.name,
      title: scenario.title,
      rounds: 0,
      faults: {},
      lost: 0,
      doubled: 0,
      wedged: 0,
      fiveXx: 0,
      details: [],
      durationMs: Date.now() - t0,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
  const r = results.at(-1) as ScenarioResult;
  say(
    `${scenario.name}: lost ${r.lost}, doubled ${r.doubled}, wedged ${r.wedged}, 5xx ${r.fiveXx}${r.error === undefined ? '' : ', ERROR'} (${(r.durationMs / 1000).toFixed(0)} s)`,
  );
}

const passed = (r: ScenarioResult) =>
  r.error === undefined && r.lost === 0 && r.doubled === 0 && r.wedged === 0 && r.fiveXx === 0;
const faultCount = results.reduce((n, r) => n + Object.values(r.faults).reduce((a, b) => a + b, 0), 0);
const roundCount = results.reduce((n, r) => n + r.rounds, 0);
const report = [
  `# Fault suite report`,
  ``,
  `${new Date().toISOString()} · ${cpus().length} cores · node ${process.version} · seed ${faultSeed} · scale ${faultEnv.scale}`,
  `total ${((Date.now() - started) / 1000).toFixed(0)} s · ${roundCount} rounds · ${faultCount} faults injected · ${results.every(passed) ? 'PASSED' : 'FAILED'}`,
  ``,
  `| scenario | rounds | faults injected | lost | doubled | wedged | 5xx | duration |`,
  `| --- | --- | --- | --- | --- | --- | --- | --- |`,
  ...results.map(
    (r) =>
      `| ${r.name} | ${r.rounds} | ${
        Object.entries(r.faults)
          .map(([k, v]) => `${v} ${k}`)
          .join('; ') || '–'
      } | ${r.lost} | ${r.doubled} | ${r.wedged} | ${r.fiveXx} | ${(r.durationMs / 1000).toFixed(0)} s |`,
  ),
  ``,
  ...results.flatMap((r) => [
    `## ${r.name}: ${r.title}${passed(r) ? '' : ' — FAILED'}`,
    ``,
    ...r.details.map((d) => `- ${d}`),
    ...(r.error === undefined ? [] : ['', '```', r.error, '```']),
    ``,
  ]),
].join('\n');
process.stdout.write(`\n${report}\n`);
mkdirSync(faultEnv.dir, { recursive: true });
writeFileSync(join(faultEnv.dir, 'report.md'), report);
say(`report written to ${join(faultEnv.dir, 'report.md')}`);
process.exit(results.every(passed) ? 0 : 1);
