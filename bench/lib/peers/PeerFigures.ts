import type { TableChecksum } from './tableChecksums.ts';

/** The systems the peers bench compares. */
export type PeerSystem = 'projectionist' | 'ceiling' | 'eachMessage' | 'consumerPerformance';

/** What one measured run answers (a child prints it as its last stdout line). */
export type PeerFigures = {
  readonly system: PeerSystem;
  readonly projection: string;
  /** Events the run went through (applied or passed over). */
  readonly events: number;
  /** Events up to its target: `events` falls short of it when a time limit stopped the run. */
  readonly targetEvents: number;
  readonly tookMs: number;
  readonly perSecond: number;
  /** CPU of the client process over the measured part: node, or the JVM for Kafka's tool. */
  readonly cpuMs: number;
  /** CPU of the PostgreSQL backends of the run's database over the measured part. */
  readonly postgresCpuMs: number;
  readonly peakRssMiB: number;
  /** Every table's checksum once the run ended; empty for a system that writes no tables. */
  readonly checksums: readonly TableChecksum[];
  /** Parts of the measured time, in ms (a ceiling's fold and COPY; a replay's flushes). */
  readonly partsMs?: Readonly<Record<string, number>>;
  /** The measured part on process.hrtime's clock, in µs: a .cpuprofile's clock. */
  readonly window?: { readonly startUs: number; readonly endUs: number };
};

/** Now on process.hrtime's clock, in µs. */
export const hrtimeUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** The peak RSS of this process so far, in MiB. */
export const peakRssMiB = (): number => process.resourceUsage().maxRSS / 1024;

/** Prints the figures as the last stdout line, which the parent parses. */
export const report = (figures: PeerFigures): void => {
  process.stdout.write(`${JSON.stringify(figures)}\n`);
};
