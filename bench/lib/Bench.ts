/** One benchmark: `run` measures and answers the markdown of its results section. */
export type Bench = {
  /** What `npm run bench -- <name>` calls it. */
  readonly name: string;
  /** The heading of its section in bench/RESULTS.md. */
  readonly section: string;
  run(options: BenchOptions): Promise<string>;
};

export type BenchOptions = {
  /** How many times to repeat the measurement; results report the median. */
  readonly runs: number;
};
