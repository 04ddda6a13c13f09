/** What one scenario of the fault suite counted. Every one of lost, doubled, wedged and fiveXx must be 0. */
export type ScenarioResult = {
  readonly name: string;
  readonly title: string;
  readonly rounds: number;
  /** Faults injected, by kind. */
  readonly faults: Readonly<Record<string, number>>;
  readonly lost: number;
  readonly doubled: number;
  readonly wedged: number;
  readonly fiveXx: number;
  /** Further measurements, one line each. */
  readonly details: readonly string[];
  readonly durationMs: number;
  /** The scenario could not run to its end (counts as a failure). */
  readonly error?: string;
};

export type Scenario = {
  readonly name: string;
  readonly title: string;
  run(): Promise<Omit<ScenarioResult, 'name' | 'title' | 'durationMs'>>;
};

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** mulberry32: the suite's random moments are reproducible from PROJECTIONIST_FAULTS_SEED. */
export const seeded = (seed: number) => {
  let a = seed >>> 0;
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export const faultSeed = Number(process.env.PROJECTIONIST_FAULTS_SEED ?? Date.now() % 1_000_000);
