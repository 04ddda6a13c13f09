import { readdir, readFile } from 'node:fs/promises';

/** The parts of a V8 .cpuprofile (what `node --cpu-prof` writes) that self time needs. */
type CpuProfile = {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string };
    readonly children?: readonly number[];
  }[];
  /** µs on the clock of process.hrtime. */
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
};

const runtimeStage = 'node runtime (event loop, sockets, streams)';

/** The stage a function's self time counts to, by the file it is in; first match wins. */
const stages: readonly { readonly stage: string; readonly test: (fn: string, url: string) => boolean }[] = [
  { stage: 'idle (waiting on Kafka or PostgreSQL)', test: (fn) => fn === '(idle)' },
  { stage: 'garbage collection', test: (fn) => fn === '(garbage collector)' },
  {
    // Record batches are decoded by src/log/recordBatchDecoder.ts, kafkajs's own decoder's replacement.
    stage: 'record batch decode (kafkajs protocol, src/log/recordBatchDecoder.ts)',
    test: (_, u) => u.includes('/kafkajs/src/protocol/') || u.endsWith('/src/log/recordBatchDecoder.ts'),
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
    stage: 'flush and registry (COPY, upserts, checkpoints; pg)',
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
  { stage: runtimeStage, test: (_, u) => u.startsWith('node:') },
  { stage: 'V8 and native code outside JS (program)', test: (fn) => fn === '(program)' },
  { stage: 'other (logger, bench)', test: () => true },
];

export type StageTime = { readonly stage: string; readonly ms: number; readonly usPerEvent: number };

/** A frame of node's own code or a native function: its time is its caller's. */
const isRuntime = (fn: string, url: string) => (url === '' && !fn.startsWith('(')) || url.startsWith('node:');

/**
 * Self time by stage (in the order of `stages`), per event of `events`, of the samples taken
 * within `window` (µs on the profile's clock). Time in node's own code and in native functions
 * (Buffer.concat, utf8Slice, JSON.parse) counts to the nearest caller outside them: Buffer.concat
 * under kafkajs is kafkajs's. Only what no such caller reaches (the event loop) is node runtime.
 */
export const profileStages = (
  profile: CpuProfile,
  events: number,
  window: { readonly startUs: number; readonly endUs: number },
): StageTime[] => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const stageOf = new Map<number, string>();
  const stageFor = (id: number): string => {
    const known = stageOf.get(id);
    if (known !== undefined) return known;
    let at: number | undefined = id;
    let frame = byId.get(id)?.callFrame;
    while (frame !== undefined && isRuntime(frame.functionName, frame.url)) {
      at = parent.get(at as number);
      frame = at === undefined ? undefined : byId.get(at)?.callFrame;
      if (frame?.functionName === '(root)') frame = undefined;
    }
    const stage =
      frame === undefined
        ? runtimeStage
        : (stages.find((s) => s.test(frame.functionName, frame.url))?.stage ?? 'other');
    stageOf.set(id, stage);
    return stage;
  };
  const us = new Map<string, number>(stages.map((s) => [s.stage, 0]));
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < window.startUs || at > window.endUs) return;
    const stage = stageFor(id);
    us.set(stage, (us.get(stage) ?? 0) + delta);
  });
  return [...us].map(([stage, total]) => ({ stage, ms: total / 1000, usPerEvent: total / events }));
};

/** The one .cpuprofile that `node --cpu-prof --cpu-prof-dir=<dir>` wrote. */
export const readProfile = async (dir: string): Promise<CpuProfile> => {
  const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile in ${dir}`);
  return JSON.parse(await readFile(`${dir}/${file}`, 'utf8')) as CpuProfile;
};
