import type { CommandOutcome } from '../../src/commands/index.ts';
import { Worker } from 'node:worker_threads';

/** One command to send: its id (the events' causationId) and its JSON body. */
export type PlannedCommand = {
  readonly id: string;
  readonly body: string;
  /** The key of the read-model row this command makes, when the load follows it (`LoadPlan.rows`). */
  readonly rowKey?: string;
};

/**
 * What a load run does, in a worker thread of its own so the load and the observing do not
 * share an event loop with the Projectionist being measured.
 */
export type LoadPlan = {
  /** POST target, e.g. http://127.0.0.1:41234/commands. */
  readonly url: string;
  readonly brokers: readonly string[];
  /** The topic prefix whose events topic is tailed (read_committed) for the commands' events. */
  readonly prefix: string;
  /** Sent first and followed until their events are read, so that the tail and the workers are warm. */
  readonly warmup: readonly PlannedCommand[];
  readonly commands: readonly PlannedCommand[];
  /** `closed`: that many clients each send the next command when answered; `open`: a fixed rate. */
  readonly pace:
    | { readonly kind: 'closed'; readonly clients: number }
    | { readonly kind: 'open'; readonly perSecond: number };
  /**
   * Follows the rows the commands with a `rowKey` make: polled every 5 ms
   * (`select <column> from <table> where <column> = any(...)`) until each is visible.
   */
  readonly rows?: { readonly databaseUrl: string; readonly table: string; readonly column: string };
  /** How long to wait, after the last answer, for the last events. */
  readonly settleMs: number;
};

/** Per command, in milliseconds since the epoch (high resolution); `seenAt` when its events were read. */
export type CommandTiming = {
  readonly postedAt: number;
  readonly answeredAt: number;
  /** HTTP status; 0 when the request failed without an answer. */
  readonly status: number;
  readonly seenAt: number | undefined;
  /** When its row was first seen (commands with a `rowKey`, when the plan follows rows). */
  readonly rowSeenAt?: number | undefined;
  /** The outcome its worker recorded, when read. */
  readonly outcome: CommandOutcome['status'] | undefined;
};

/** Runs `plan` in a worker thread (bench/lib/commandLoadWorker.ts); answers one timing per command, in order. */
export const runCommandLoad = (plan: LoadPlan): Promise<CommandTiming[]> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./commandLoadWorker.ts', import.meta.url), { workerData: plan });
    worker.once('message', (timings: CommandTiming[]) => resolve(timings));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the load worker exited with code ${code}`));
    });
  });
