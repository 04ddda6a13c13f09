import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import type { Bench } from './lib/Bench.ts';
import { consumerPerformance } from './lib/peers/consumerPerformance.ts';
import { exampleTarget } from './lib/peers/exampleTarget.ts';
import type { PeerFigures, PeerSystem } from './lib/peers/PeerFigures.ts';
import { peersMarkdown, type PeerResults } from './lib/peers/peersMarkdown.ts';
import { checksumKey } from './lib/peers/tableChecksums.ts';
import { profileStages, readProfile } from './lib/peers/profileStages.ts';
import { runPeerChild } from './lib/peers/runPeerChild.ts';
import { produceExampleLog } from './lib/produceExampleLog.ts';
import { benchBrokers } from './lib/startBenchProjectionist.ts';
import { offsetDistance, offsetVectorToJson, type OffsetVector } from '../src/log/index.ts';

/** PROJECTIONIST_BENCH_SCALE (default 1) scales the log: 0.05 for a smoke run. */
const scale = Number(process.env.PROJECTIONIST_BENCH_SCALE ?? '1');
const events = Math.round(1_000_000 * scale);
/**
 * PROJECTIONIST_BENCH_PEER_LIMIT_S (default 60): seconds an eachMessage run may take before it
 * stops. Its rate is steady long before; 3 runs of 2 projections at 120 s would take the bench
 * past 30 minutes on a loaded machine.
 */
const limitS = Number(process.env.PROJECTIONIST_BENCH_PEER_LIMIT_S ?? '60');
/** The smaller log, on which an eachMessage peer that hit its time limit is compared: a prefix of the same log. */
const smallEvents = Math.min(events, 50_000);
const partitions = 6;
const projections = ['order-totals', 'customer-directory'] as const;

const say = (line: string) => process.stdout.write(`peers: ${line}\n`);
const sayRun = (label: string, f: PeerFigures) =>
  say(
    `${label}: ${Math.round(f.perSecond)} events/s` +
      (f.events < f.targetEvents ? ` (stopped at ${f.events} of ${f.targetEvents})` : ''),
  );
const json = (v: OffsetVector) => JSON.stringify(offsetVectorToJson(v));

/** The engine measured: the commit, and whether src/ differed from it (others may be editing the tree). */
const engineState = (): string => {
  const git = (...args: string[]) => spawnSync('git', args, { encoding: 'utf8' }).stdout.trim();
  const commit = git('rev-parse', '--short', 'HEAD');
  if (commit === '') return 'unknown (no git)';
  return git('status', '--porcelain', '--', 'src') === ''
    ? commit
    : `${commit} with uncommitted changes in src/`;
};

/**
 * Projectionist beside its peers on the same log (issue 11): the example log is appended once;
 * each run replays it with Projectionist, folds it in memory without a broker (the ceiling),
 * consumes it with a hand-written kafkajs eachMessage consumer, and reads it with Kafka's own
 * ConsumerPerformance; every system's tables are checksummed and must be equal, else the bench
 * fails. Then one replay of each projection runs under `node --cpu-prof`, summarised by stage.
 */
export const peersBench: Bench = {
  name: 'peers',
  section: 'Peers: Projectionist beside the ceiling, a hand-written consumer and Kafka',
  run: async ({ runs }) => {
    const began = performance.now();
    say(`appending ${events} events`);
    const log = await produceExampleLog({
      label: 'peers',
      count: events,
      partitions,
      onProgress: (n) => n % 200_000 === 0 && say(`${n} appended`),
    });
    const topic = log.client.topics.events;
    const results: PeerResults = {
      events,
      smallEvents,
      limitS,
      runs,
      produceMs: log.produceMs,
      engine: engineState(),
      loads: [],
      full: new Map(),
      small: new Map(),
      profiles: new Map(),
      tookMs: 0,
    };
    const add = (
      into: Map<string, PeerFigures[]>,
      projection: string,
      system: PeerSystem,
      f: PeerFigures,
    ) => {
      const key = `${projection}/${system}`;
      into.set(key, [...(into.get(key) ?? []), f]);
    };
    try {
      const target = json(log.end);
      for (let run = 1; run <= runs; run++) {
        results.loads.push(os.loadavg()[0] ?? 0);
        const kafka = await consumerPerformance({ brokers: benchBrokers.join(','), topic, messages: events });
        sayRun(`run ${run} ConsumerPerformance`, kafka);
        for (const projection of projections) {
          add(results.full, projection, 'consumerPerformance', kafka);
          const systems: [PeerSystem, string, string[]][] = [
            ['projectionist', 'projectionistRun.ts', [log.prefix, projection, target]],
            ['ceiling', 'ceilingRun.ts', [log.prefix, projection, String(events)]],
            ['eachMessage', 'eachMessageRun.ts', [topic, projection, target, String(limitS)]],
          ];
          for (const [system, script, args] of systems) {
            const f = await runPeerChild(script, args);
            sayRun(`run ${run} ${projection} ${system}`, f);
            add(results.full, projection, system, f);
          }
        }
      }
      const small = exampleTarget({ prefix: log.prefix, count: smallEvents, partitions });
      if (Number(offsetDistance(new Map(), small)) !== smallEvents)
        throw new Error('the small log is mis-sized');
      for (const projection of projections) {
        if ((results.full.get(`${projection}/eachMessage`) ?? []).every((f) => f.events === f.targetEvents))
          continue;
        const systems: [PeerSystem, string, string[]][] = [
          ['projectionist', 'projectionistRun.ts', [log.prefix, projection, json(small)]],
          ['ceiling', 'ceilingRun.ts', [log.prefix, projection, String(smallEvents)]],
          ['eachMessage', 'eachMessageRun.ts', [topic, projection, json(small), '3600']],
        ];
        for (const [system, script, args] of systems) {
          const f = await runPeerChild(script, args);
          sayRun(`first ${smallEvents} events, ${projection} ${system}`, f);
          add(results.small, projection, system, f);
        }
      }
      for (const projection of projections) {
        const dir = await mkdtemp(`${os.tmpdir()}/peers-profile-`);
        try {
          const f = await runPeerChild(
            'projectionistRun.ts',
            [log.prefix, projection, target],
            ['--cpu-prof', `--cpu-prof-dir=${dir}`],
          );
          sayRun(`${projection} projectionist under --cpu-prof`, f);
          if (f.window === undefined) throw new Error('the profiled replay reported no window');
          results.profiles.set(projection, {
            figures: f,
            stages: profileStages(await readProfile(dir), f.events, f.window),
          });
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }
    } finally {
      await log.drop();
    }
    results.tookMs = performance.now() - began;
    const problems = differences(results);
    const markdown = peersMarkdown(results, problems);
    if (problems.length > 0) {
      process.stdout.write(`${markdown}\n`);
      throw new Error(`peers: the systems' tables differ:\n${problems.join('\n')}`);
    }
    return markdown;
  },
};

/** Every pair of complete runs (any system, any run) of a projection on a log whose checksums differ. */
const differences = (results: PeerResults): string[] => {
  const problems: string[] = [];
  for (const [label, set] of [
    ['the whole log', results.full],
    [`the first ${results.smallEvents} events`, results.small],
  ] as const)
    for (const projection of projections) {
      const profiled = set === results.full ? results.profiles.get(projection)?.figures : undefined;
      const complete = [...set]
        .filter(([key]) => key.startsWith(`${projection}/`))
        .flatMap(([, runs]) => runs)
        .concat(profiled === undefined ? [] : [profiled])
        .filter((f) => f.checksums.length > 0 && f.events === f.targetEvents);
      const reference = complete[0];
      for (const f of complete)
        if (reference !== undefined && checksumKey(f.checksums) !== checksumKey(reference.checksums))
          problems.push(
            `${projection} on ${label}: ${f.system} has ${checksumKey(f.checksums)}, ${reference.system} ${checksumKey(reference.checksums)}`,
          );
    }
  return problems;
};
