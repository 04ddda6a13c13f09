// The worker thread of replayInThread: imports the definition and the contracts the caller named,
// opens its own pool and Kafka client, replays up to the target under the caller's lease, and
// tells the caller each event, each stretch replayed and how it ended. Ends itself when done.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { engineDefaults } from '../config/index.ts';
import { createPool } from '../db/index.ts';
import { definitionIn, fileDigest } from '../definitions/index.ts';
import { LogClient } from '../log/index.ts';
import { createLogger } from '../logger/index.ts';
import { replayTo } from './buildAndTail.ts';
import { createEmitter, type Emitter } from './createEmitter.ts';
import { contractsDecoder, type ContractsRegistry } from './eventDecoder.ts';
import type { ProjectorEvents } from './projectorEvents.ts';
import { toThreadError, type ReplayThreadInput, type ThreadMessage } from './replayThread.ts';

const port = parentPort;
if (port === null) throw new Error('replayThreadEntry runs as a worker thread only');
const post = (message: ThreadMessage) => port.postMessage(message);

/**
 * Lowers this thread's priority (Linux: a thread is a task with its own niceness, set by its id,
 * which /proc/thread-self names). Elsewhere, or when refused, the thread keeps its priority.
 */
const yieldToServing = (nice: number) => {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // not Linux, or not allowed: the replay runs at the process's priority
  }
};

/** The module no longer defines the caller's version as the caller has it. */
class Unavailable extends Error {}

const run = async (input: ReplayThreadInput, signal: AbortSignal) => {
  const { options, name, version } = input;
  const { url, digest } = input.module;
  const now = await fileDigest(fileURLToPath(url)).catch(() => undefined);
  if (now !== digest) throw new Unavailable(`${url} has changed or gone since this process loaded it`);
  const definition = definitionIn((await import(url)) as Record<string, unknown>, name, version);
  if (definition === undefined) throw new Unavailable(`${url} no longer exports ${name} v${version}`);
  const contracts = ((await import(options.contracts.module)) as Record<string, unknown>)[
    options.contracts.export
  ];
  if (typeof (contracts as Partial<ContractsRegistry> | undefined)?.decode !== 'function')
    throw new Error(
      `${options.contracts.module} exports no contracts registry as ${options.contracts.export}`,
    );
  const logger = createLogger({ level: options.logLevel }).child({
    scope: 'projections',
    projection: name,
    version,
    thread: 'replay',
  });
  const pool = createPool({ ...options.database, logger, name: 'replay' });
  const client = new LogClient({ ...options.kafka, logger });
  const inner = createEmitter<ProjectorEvents>();
  const emitter: Emitter<ProjectorEvents> = {
    ...inner,
    emit: (event, payload) => {
      inner.emit(event, payload);
      try {
        post({ kind: 'event', name: event, payload });
      } catch (err) {
        // A payload that cannot cross (not plain data) is a report lost, not a replay failed.
        logger.warn({ err, event }, 'a replay event could not be sent to the caller');
      }
    },
  };
  try {
    return await replayTo(
      {
        pool,
        client,
        definition,
        decode: contractsDecoder(contracts as ContractsRegistry),
        emitter,
        lease: input.lease,
        signal,
        limits: input.limits,
        replayLimits: input.limits,
        ...(input.waitRetryMs === undefined ? {} : { waitRetryMs: input.waitRetryMs }),
        logger,
        setState: () => {},
        onReplayed: (positions) => post({ kind: 'replayed', positions }),
      },
      input.target,
      input.limits,
    );
  } finally {
    await client.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
  }
};

yieldToServing(engineDefaults.replayThreadNice);
const stop = new AbortController();
port.on('message', (message: { kind: string }) => {
  if (message.kind === 'stop') stop.abort();
});
try {
  const positions = await run(workerData as ReplayThreadInput, stop.signal);
  post({ kind: 'done', positions: positions ?? null });
} catch (error) {
  if (error instanceof Unavailable) post({ kind: 'unavailable', reason: error.message });
  else post({ kind: 'failed', error: toThreadError(error) });
}
port.close();
