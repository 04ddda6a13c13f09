import type { OffsetVector, Position } from '../log/index.ts';
import type { StreamState, WaitingCommand } from './commandStore.ts';
import type { SliceDecisions } from './decideSlice.ts';

const stateLimit = 20_000;
const decidedLimit = 200_000;

/**
 * What the worker that owns one commands partition remembers of its streams since it took the
 * partition: the states it decided on, the ids it decided, the streams held behind a command it
 * cannot decide, and how far its own appends went. It is the only decider of these streams, so
 * its memory is ahead of the command-state projection; after it forgets (a bound), a cold read
 * waits until the projection has caught up with everything it wrote.
 */
export class PartitionMemory {
  readonly states = new Map<string, StreamState>();
  readonly decided = new Set<string>();
  readonly held = new Map<string, { commandId: string; reason: string }>();
  readonly heldIds = new Set<string>();
  readonly #written = new Map<number, bigint>();
  /** Set after forgetting: the projection must reach it before a cold read is trusted. */
  mustReach: OffsetVector | undefined;

  /** The held commands as the projection recorded them (at partition start). */
  hold(waiting: readonly WaitingCommand[]): void {
    for (const w of waiting) {
      this.heldIds.add(w.commandId);
      if (!this.held.has(w.streamId)) this.held.set(w.streamId, { commandId: w.commandId, reason: w.reason });
    }
  }

  /** A committed slice: remember what it decided, held and wrote. */
  commit(result: SliceDecisions, positions: readonly Position[]): void {
    for (const p of positions)
      if (p.offset + 1n > (this.#written.get(p.partition) ?? 0n))
        this.#written.set(p.partition, p.offset + 1n);
    if (this.states.size > stateLimit || this.decided.size > decidedLimit) {
      this.mustReach = new Map(this.#written);
      this.states.clear();
      this.decided.clear();
    }
    for (const [stream, state] of result.states) this.states.set(stream, state);
    for (const id of result.decided) {
      this.decided.add(id);
      this.heldIds.delete(id);
    }
    for (const stream of result.released) this.held.delete(stream);
    for (const [stream, holder] of result.held) this.held.set(stream, holder);
    for (const id of result.heldIds) this.heldIds.add(id);
  }
}
