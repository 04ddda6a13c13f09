import { readdir, readFile } from 'node:fs/promises';

/** The parts of a V8 .cpuprofile (what `node --cpu-prof` writes) that self time needs. */
type CpuProfile = {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string };
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
};

/** The stage a function's self time counts to, by the file it is in; first match wins. */
const stages: readonly { readonly stage: string; readonly test: (fn: string, url: string) => boolean }[] = [
  { stage: 'idle (waiting on Kafka or PostgreSQL)', test: (fn) => fn === '(idle)' },
  { stage: 'garbage collection', test: (fn) => fn === '(garbage collector)' },
  {
    stage: 'kafkajs decode (record batches, varints, CRC)',
    test: (_, u) => u.includes('/kafkajs/src/protocol/'),
  },
  {
    stage: 'kafkajs fetch (consumer, broker, network)',
    test: (_, u) => u.includes('/node_modules/kafkajs/'),
  },
  {
    stage: 'JSON.parse and envelope checks (src/log/codec.ts)',
    test: (_, u) => u.endsWith('/src/log/codec.ts'),
  },
  {
    stage: 'record mapping (src/log, decodeRecord)',
    test: (_, u) => u.includes('/src/log/') || /\/src\/projections\/(decodeRecord|eventDecoder)\.ts$/.test(u),
  },
  {
    stage: 'contract validation (zod, src/contracts)',
    test: (_, u) => /\/(node_modules\/zod|src\/contracts)\//.test(u),
  },
  { stage: 'upcast (events/)', test: (_, u) => /\/events\/.*\.ts$/.test(u) && !u.includes('/src/') },
  {
    stage: 'flush (COPY, upserts, checkpoints: flush code, src/registry, pg)',
    test: (_, u) =>
      /\/node_modules\/pg[^/]*\//.test(u) ||
      u.includes('/src/registry/') ||
      /\/src\/projections\/(flushBatch|copyRows|writeChanges|tableSink|loadRows)\.ts$/.test(u),
  },
  {
    stage: 'handlers (projections/)',
    test: (_, u) => /\/projections\/[^/]+\/v\d+\.ts$/.test(u) && !u.includes('/src/'),
  },
  {
    stage: 'batch state, row codec, engine loop (src/projections, src/definitions)',
    test: (_, u) => /\/src\/(projections|definitions)\//.test(u),
  },
  { stage: 'node runtime (streams, sockets, timers, Buffer)', test: (_, u) => u.startsWith('node:') },
  { stage: 'V8 and native code outside JS (program)', test: (fn) => fn === '(program)' },
  { stage: 'other (start-up, logger, bench)', test: () => true },
];

export type StageTime = { readonly stage: string; readonly ms: number; readonly usPerEvent: number };

/** Self time by stage (in the order of `stages`), per event of `events`. */
export const profileStages = (profile: CpuProfile, events: number): StageTime[] => {
  const stageOf = new Map<number, string>();
  for (const node of profile.nodes) {
    const { functionName, url } = node.callFrame;
    stageOf.set(node.id, stages.find((s) => s.test(functionName, url))?.stage ?? 'other');
  }
  const us = new Map<string, number>(stages.map((s) => [s.stage, 0]));
  profile.samples.forEach((id, i) => {
    const stage = stageOf.get(id) ?? 'other';
    us.set(stage, (us.get(stage) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return [...us].map(([stage, total]) => ({ stage, ms: total / 1000, usPerEvent: total / events }));
};

/** The one .cpuprofile that `node --cpu-prof --cpu-prof-dir=<dir>` wrote. */
export const readProfile = async (dir: string): Promise<CpuProfile> => {
  const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile in ${dir}`);
  return JSON.parse(await readFile(`${dir}/${file}`, 'utf8')) as CpuProfile;
};
