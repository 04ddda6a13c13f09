import { Worker, type ResourceLimits } from 'node:worker_threads';
import { isProjectionistError, ProjectionistError } from '../errors/index.ts';
import { errorCodes, type ErrorCode } from '../errors/index.ts';
import type { DefinitionModule } from '../definitions/index.ts';
import type { OffsetVector } from '../log/index.ts';
import type { Lease } from '../registry/index.ts';
import type { LeasedRun } from './buildAndTail.ts';
import type { ProjectorEvents } from './projectorEvents.ts';
import type { BatchLimits } from './runBatches.ts';

/**
 * How a build's replay runs in a worker thread of its own: what the thread connects to (its own
 * pool and Kafka client, as the process's) and where it finds what it runs (modules it imports).
 * All of it is plain data: it crosses to the thread by structured clone.
 */
export type ReplayThreadOptions = {
  /** The module that exports the contracts registry the thread decodes with, and its export's name. */
  readonly contracts: { readonly module: string; readonly export: string };
  readonly database: {
    readonly url: string;
    readonly max: number;
    readonly connectTimeoutMs: number;
    readonly idleInTransactionTimeoutMs?: number;
  };
  readonly kafka: { readonly brokers: readonly string[]; readonly clientId: string; readonly prefix: string };
  /** The thread's log level; its lines go to stdout as the process's do. */
  readonly logLevel: string;
  /** The thread's heap: V8 sizes its generations from these (MiB), not from the machine's memory. */
  readonly resourceLimits?: ResourceLimits;
};

/** What the thread is given (workerData). */
export type ReplayThreadInput = {
  readonly options: ReplayThreadOptions;
  /** The module that exports the definition (found in it by name and version), as the caller loaded it. */
  readonly module: DefinitionModule;
  readonly name: string;
  readonly version: number;
  readonly lease: Lease;
  readonly target: OffsetVector;
  readonly limits: BatchLimits;
  readonly waitRetryMs?: number;
};

/** An error, as it crosses back from the thread. */
export type ThreadError = {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly details?: Record<string, unknown>;
  readonly stack?: string;
};

/** What the thread tells the caller. */
export type ThreadMessage =
  | { readonly kind: 'event'; readonly name: keyof ProjectorEvents; readonly payload: unknown }
  | { readonly kind: 'replayed'; readonly positions: OffsetVector }
  | { readonly kind: 'done'; readonly positions: OffsetVector | null }
  /** The module no longer defines the caller's version (changed on disk, or gone): nothing was run. */
  | { readonly kind: 'unavailable'; readonly reason: string }
  | { readonly kind: 'failed'; readonly error: ThreadError };

/** The error as the thread sends it: a ProjectionistError keeps its code and details. */
export const toThreadError = (error: unknown): ThreadError => {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const base = { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  if (!isProjectionistError(error)) return base;
  let details: Record<string, unknown> | undefined;
  try {
    details = structuredClone({ ...error.details });
  } catch {
    details = undefined;
  }
  return { ...base, code: error.code, ...(details === undefined ? {} : { details }) };
};

const fromThreadError = (sent: ThreadError): Error => {
  const known = sent.code !== undefined && Object.hasOwn(errorCodes, sent.code);
  const error = known
    ? new ProjectionistError(
        sent.code as ErrorCode,
        sent.message,
        sent.details ? { details: sent.details } : {},
      )
    : Object.assign(new Error(sent.message), { name: sent.name });
  if (sent.stack !== undefined) error.stack = sent.stack;
  return error;
};

const entry = new URL('./replayThreadEntry.ts', import.meta.url);

/**
 * Replays from the checkpoints up to `target` as replayTo does, in a worker thread: the same
 * code, with its own pool and Kafka client, so that a build's decoding, folding and flushing
 * leave this thread's event loop to HTTP and the live projections, and its garbage to a heap of
 * its own (sized by `resourceLimits`). Runs under the caller's lease, which the caller renews.
 * Its events are emitted here as they happen; answers the positions reached, or undefined when
 * the signal stopped it. A fault in the thread (an error, its heap exhausted, the thread gone)
 * rejects as the same fault would in this thread; the thread is always ended. When the module
 * no longer defines the caller's version as the caller has it (the file was changed or removed
 * since this process loaded it), nothing runs there: `here` runs the replay in this thread,
 * with the code this process registered.
 */
export const replayInThread = (
  run: LeasedRun,
  thread: ReplayThreadOptions,
  module: DefinitionModule,
  target: OffsetVector,
  limits: BatchLimits,
  here: () => Promise<OffsetVector | undefined>,
): Promise<OffsetVector | undefined> => {
  const { definition, lease, emitter, signal } = run;
  const input: ReplayThreadInput = {
    options: thread,
    module,
    name: definition.name,
    version: definition.version,
    lease,
    target,
    limits,
    ...(run.waitRetryMs === undefined ? {} : { waitRetryMs: run.waitRetryMs }),
  };
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      resolve(undefined);
      return;
    }
    const worker = new Worker(entry, {
      workerData: input,
      name: `replay ${definition.name} v${definition.version}`,
      ...(thread.resourceLimits === undefined ? {} : { resourceLimits: thread.resourceLimits }),
    });
    let outcome:
      | { ok: true; positions: OffsetVector | undefined }
      | { ok: false; error: Error }
      | { ok: 'here'; reason: string }
      | undefined;
    const stop = () => worker.postMessage({ kind: 'stop' });
    signal.addEventListener('abort', stop, { once: true });
    worker.on('message', (message: ThreadMessage) => {
      switch (message.kind) {
        case 'event':
          emitter.emit(message.name, message.payload as never);
          return;
        case 'replayed':
          run.onReplayed(message.positions);
          return;
        case 'done':
          outcome = { ok: true, positions: message.positions ?? undefined };
          break;
        case 'failed':
          outcome = { ok: false, error: fromThreadError(message.error) };
          break;
        case 'unavailable':
          outcome = { ok: 'here', reason: message.reason };
      }
      // It answered: a thread that does not end by itself soon (a timer left behind) is ended.
      setTimeout(() => void worker.terminate(), 5_000).unref();
    });
    worker.on('error', (error: Error) => {
      outcome ??= {
        ok: false,
        error: new Error(`the replay thread failed: ${error.message}`, { cause: error }),
      };
    });
    worker.on('exit', (code) => {
      signal.removeEventListener('abort', stop);
      const ended = outcome ?? {
        ok: false as const,
        error: new Error(`the replay thread exited (code ${code}) before it answered`),
      };
      if (ended.ok === 'here') {
        run.logger?.warn({ reason: ended.reason }, 'replaying in this thread instead');
        here().then(resolve, reject);
      } else if (ended.ok) resolve(ended.positions);
      else reject(ended.error);
    });
  });
};
