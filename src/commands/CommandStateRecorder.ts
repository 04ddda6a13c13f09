import {
  decodeEnvelope,
  earliestOffsets,
  headerNames,
  readLog,
  type LogClient,
  type OffsetVector,
} from '../log/index.ts';
import type { Logger } from '../logger/index.ts';
import type { CommandCatalog } from './CommandCatalog.ts';
import { commandOutcomeType, type CommandOutcome } from './commandOutcome.ts';
import type { CommandStore, RecorderFlush } from './commandStore.ts';

const cacheLimit = 50_000;

/**
 * The command side's built-in projection: tails the events topic and records every command
 * outcome and every stream's aggregate state (folded with the contracts' evolve) in
 * PostgreSQL, with its checkpoints in the same transaction. Workers wait on it (`waitFor`) so
 * that the duplicate check and the deciders' state include everything already committed.
 */
export class CommandStateRecorder {
  readonly #client: LogClient;
  readonly #store: CommandStore;
  readonly #catalog: CommandCatalog;
  readonly #logger: Logger;
  readonly #position = new Map<number, bigint>();
  readonly #cache = new Map<string, unknown>();
  readonly #waiters = new Set<{ target: OffsetVector; resolve: () => void }>();
  readonly #abort = new AbortController();
  #running: Promise<void> | undefined;
  #failure: unknown;

  constructor(options: { client: LogClient; store: CommandStore; catalog: CommandCatalog; logger: Logger }) {
    this.#client = options.client;
    this.#store = options.store;
    this.#catalog = options.catalog;
    this.#logger = options.logger.child({ component: 'command-state-recorder' });
  }

  async start(): Promise<void> {
    const checkpoints = await this.#store.readCheckpoints();
    for (const [p, o] of checkpoints) this.#position.set(p, o);
    this.#running = this.#run(checkpoints).catch((error: unknown) => {
      if (this.#abort.signal.aborted) return;
      this.#failure = error;
      this.#logger.error({ err: error }, 'command state recorder stopped');
      for (const w of this.#waiters) w.resolve();
    });
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#running;
  }

  /** Resolves once every partition has been recorded up to `target` (exclusive). */
  async waitFor(target: OffsetVector, timeoutMs = 60_000): Promise<void> {
    if (this.#reached(target)) return;
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        target,
        resolve: () => (clearTimeout(timer), this.#waiters.delete(waiter), resolve()),
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error('the command state recorder did not catch up in time'));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
    if (this.#failure !== undefined) throw this.#failure;
  }

  #reached(target: OffsetVector): boolean {
    for (const [p, o] of target) if ((this.#position.get(p) ?? 0n) < o) return false;
    return true;
  }

  async #run(from: OffsetVector): Promise<void> {
    const topic = this.#client.topics.events;
    const start = new Map(from);
    for await (const batch of readLog({
      client: this.#client,
      topic,
      from: start.size > 0 ? await this.#fillStart(start) : 'earliest',
      signal: this.#abort.signal,
    })) {
      const flush: RecorderFlush = {
        outcomes: [],
        streams: new Map(),
        checkpoints: new Map([[batch.partition, batch.next]]),
      };
      const folds: { streamId: string; aggregate: string; type: string; data: unknown }[] = [];
      for (const record of batch.records) {
        const type = record.headers[headerNames.type];
        const aggregate = type === undefined ? undefined : this.#catalog.aggregateOfEvent(type);
        if (type !== commandOutcomeType && aggregate === undefined) continue;
        let envelope;
        try {
          envelope = decodeEnvelope(record.value);
        } catch {
          continue; // not an envelope: nothing a decider could consult
        }
        if (envelope.type === commandOutcomeType) {
          const o = envelope.data as CommandOutcome;
          flush.outcomes.push({
            commandId: o.commandId,
            streamId: envelope.streamId,
            commandType: o.commandType,
            status: o.status,
            eventIds: o.status === 'applied' ? [...o.eventIds] : [],
            reason: o.status === 'rejected' ? o.reason : null,
            at: envelope.time,
          });
        } else if (aggregate !== undefined) {
          const decoded = this.#catalog.decodeEvent(envelope.type, envelope.version, envelope.data);
          if (decoded.status === 'ok')
            folds.push({ streamId: envelope.streamId, aggregate, type: envelope.type, data: decoded.value });
        }
      }
      const missing = [...new Set(folds.map((f) => f.streamId))].filter((id) => !this.#cache.has(id));
      for (const [id, state] of await this.#store.loadStreamStates(missing)) this.#cache.set(id, state);
      for (const f of folds) {
        const before = this.#cache.has(f.streamId)
          ? this.#cache.get(f.streamId)
          : this.#catalog.initialState(f.aggregate);
        const after = this.#catalog.evolve(f.aggregate, before, { type: f.type, data: f.data });
        this.#cache.set(f.streamId, after);
        flush.streams.set(f.streamId, { aggregate: f.aggregate, state: after });
      }
      await this.#store.flush(flush);
      this.#position.set(batch.partition, batch.next);
      if (this.#cache.size > cacheLimit) this.#cache.clear();
      for (const w of this.#waiters) if (this.#reached(w.target)) w.resolve();
    }
  }

  /** Partitions without a checkpoint start at the earliest offset (0 on a complete log). */
  async #fillStart(start: Map<number, bigint>): Promise<OffsetVector> {
    for (const [p, o] of await earliestOffsets({ client: this.#client, topic: this.#client.topics.events }))
      if (!start.has(p)) start.set(p, o);
    return start;
  }
}
