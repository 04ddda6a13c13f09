import { engineDefaults } from '../config/index.ts';
import {
  TransactionalConsumer,
  highWatermarks,
  type ConsumerHealth,
  partitionCount,
  partitionFor,
  type LogClient,
  type LogRecord,
  type LogTransaction,
  type SliceOutcome,
} from '../log/index.ts';
import type { Logger } from '../logger/index.ts';
import type { Emitter } from '../projections/index.ts';
import type { CommandCatalog } from './CommandCatalog.ts';
import type { CommandEvents } from './commandEvents.ts';
import type { CommandStore } from './commandStore.ts';
import { createSliceWork, type SliceDecisions } from './decideSlice.ts';
import { parseCommandRecord, type ParsedCommand } from './parseCommandRecord.ts';
import { PartitionMemory } from './PartitionMemory.ts';

export type CommandWorkerOptions = {
  readonly client: LogClient;
  readonly store: CommandStore;
  readonly catalog: CommandCatalog;
  readonly logger: Logger;
  /** Consumer group of the workers. Default `<prefix>.command-workers`. */
  readonly groupId?: string;
  /** Consumer session timeout. Default 30 s. */
  readonly sessionTimeoutMs?: number;
  /** How long a partition's new owner waits for the command state to catch up. Default 60 s. */
  readonly catchUpTimeoutMs?: number;
  /** Told when the workers' consumer goes down (a crash it restarts from) or up (it joined its group). */
  readonly onHealth?: (health: ConsumerHealth) => void;
  /** Told what each committed slice decided ('commands:decided'). */
  readonly events?: Emitter<CommandEvents>;
};

/**
 * Drains the commands topic: each command is decided by the worker of the partition that owns
 * its stream (the body's stream id through the project's partitioner, whatever key or headers
 * the record came with; one that landed elsewhere is forwarded there in the same transaction).
 * Upcast, validate, skip duplicates (by the body's id), decide, and append the events and the
 * outcome with the consumer offset in one Kafka transaction. A command of a version newer than
 * this code is held with its stream (a `waiting` outcome); one that no contract accepts is
 * dead-lettered in the same transaction.
 */
export class CommandWorker {
  readonly #options: CommandWorkerOptions;
  readonly #consumer: TransactionalConsumer;
  readonly #logger: Logger;
  readonly #partitions = new Map<number, PartitionMemory>();
  #owner: ((streamId: string) => number) | undefined;

  constructor(options: CommandWorkerOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'command-worker' });
    this.#consumer = new TransactionalConsumer({
      client: options.client,
      groupId: options.groupId ?? `${options.client.prefix}.command-workers`,
      topic: options.client.topics.commands,
      ...(options.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: options.sessionTimeoutMs }),
      ...(options.onHealth === undefined ? {} : { onHealth: options.onHealth }),
      onPartitionStart: (partition, transaction) => this.#onPartitionStart(partition, transaction),
      handle: ({ partition, records, tx }) => this.#handle(partition, records, tx),
    });
  }

  async start(): Promise<void> {
    const count = await partitionCount({
      client: this.#options.client,
      topic: this.#options.client.topics.commands,
    });
    this.#owner = (streamId) => partitionFor(streamId, count);
    await this.#consumer.start();
  }

  /** Drains: the batch in hand finishes and commits, then the worker leaves the group. */
  stop(): Promise<void> {
    return this.#consumer.stop();
  }

  /**
   * A partition taken over: its producer has fenced the previous owner, so every outcome that
   * will ever exist for earlier commands is in the events topic now. Decide nothing until the
   * command state has read that far; then try the commands held for its streams again (this
   * code may know their version).
   */
  async #onPartitionStart(
    partition: number,
    transaction: <T>(work: (tx: LogTransaction) => Promise<T>) => Promise<T>,
  ): Promise<void> {
    const { client, store } = this.#options;
    const target = await highWatermarks({ client, topic: client.topics.events });
    await store.waitFor(target, {
      timeoutMs: this.#options.catchUpTimeoutMs ?? engineDefaults.commands.catchUpTimeoutMs,
    });
    const memory = new PartitionMemory();
    this.#partitions.set(partition, memory);
    const waiting = await store.loadWaiting(partition);
    memory.hold(waiting);
    if (waiting.length > 0) {
      const extra = { ids: waiting.map((w) => w.commandId), streams: waiting.map((w) => w.streamId) };
      const result = await this.#decide(partition, memory, [], (work) => work.retryHeld(waiting), extra);
      const positions = await transaction(async (tx) => {
        const at = await tx.append(result.appends, (e) => result.schemas.get(e.eventId));
        if (result.deadLetters.length > 0) await tx.send(client.topics.deadLetters, result.deadLetters);
        return at;
      });
      memory.commit(result, positions);
      this.#options.events?.emit('commands:decided', { partition, ...result.counts });
      this.#logger.info(
        { partition, held: waiting.length, decided: result.decided.length, stillHeld: memory.heldIds.size },
        'held commands tried again',
      );
    }
    this.#logger.info({ partition }, 'command partition ready');
  }

  async #handle(partition: number, records: readonly LogRecord[], tx: LogTransaction): Promise<SliceOutcome> {
    const { client } = this.#options;
    const memory = this.#partitions.get(partition) ?? new PartitionMemory();
    this.#partitions.set(partition, memory);
    const parsed = records.map(parseCommandRecord);
    const result = await this.#decide(partition, memory, parsed, (work) => {
      for (const p of parsed) work.take(p);
    });
    const positions = await tx.append(result.appends, (e) => result.schemas.get(e.eventId));
    if (result.forwards.length > 0) await tx.send(client.topics.commands, result.forwards);
    if (result.deadLetters.length > 0) await tx.send(client.topics.deadLetters, result.deadLetters);
    const last = records[records.length - 1];
    return {
      status: 'done',
      next: last === undefined ? 0n : last.offset + 1n,
      onCommitted: () => {
        memory.commit(result, positions);
        this.#options.events?.emit('commands:decided', { partition, ...result.counts });
        const { deadLettered, held } = result.counts;
        if (deadLettered > 0) this.#logger.warn({ partition, count: deadLettered }, 'commands dead-lettered');
        if (held > 0) this.#logger.warn({ partition, count: held }, 'commands held for newer code');
      },
    };
  }

  /** Loads what the memory lacks for these commands (ids, states), then runs `work` over it. */
  async #decide(
    partition: number,
    memory: PartitionMemory,
    parsed: readonly ParsedCommand[],
    work: (slice: ReturnType<typeof createSliceWork>) => void,
    extra: { ids: readonly string[]; streams: readonly string[] } = { ids: [], streams: [] },
  ): Promise<SliceDecisions> {
    const { store, catalog, client } = this.#options;
    const owner = this.#owner ?? (() => partition);
    const ids = new Set<string>(extra.ids);
    const streams = new Set<string>(extra.streams);
    for (const p of parsed) {
      if (p.kind !== 'command' || owner(p.command.streamId) !== partition) continue;
      if (!memory.decided.has(p.command.eventId) && !memory.heldIds.has(p.command.eventId))
        ids.add(p.command.eventId);
      if (!memory.states.has(p.command.streamId)) streams.add(p.command.streamId);
    }
    if (memory.mustReach !== undefined && (ids.size > 0 || streams.size > 0)) {
      await store.waitFor(memory.mustReach, {
        timeoutMs: this.#options.catchUpTimeoutMs ?? engineDefaults.commands.catchUpTimeoutMs,
      });
      memory.mustReach = undefined;
    }
    // One round trip for the three: a slice is decided every few milliseconds under load.
    const {
      decided: known,
      states: loaded,
      parked,
    } = await store.recall({
      commandIds: [...ids],
      streamIds: [...streams],
    });
    const slice = createSliceWork({
      partition,
      owner,
      topic: client.topics.commands,
      catalog,
      memory: {
        isDecided: (id) => memory.decided.has(id) || known.has(id),
        isHeld: (id) => memory.heldIds.has(id) && !known.has(id),
        heldBy: (stream) => memory.held.get(stream),
        stateOf: (stream) => memory.states.get(stream) ?? loaded.get(stream),
        // A stream this worker decided on since it took the partition is known whole in memory.
        incomplete: (stream) => (memory.states.has(stream) ? undefined : parked.get(stream)),
      },
    });
    work(slice);
    return slice.result;
  }
}
