import { ProjectionistError } from '../errors/index.ts';
import type { z } from 'zod';
import type { Contract } from './Contract.ts';
import { buildContract } from './buildContract.ts';
import type { Aggregate, EventOf, StateOf } from './defineAggregate.ts';
import type { EveryFieldTagged, LatestOf, SchemaList, VersionList } from './VersionList.ts';

/** What a decider answers: the events to append (possibly none), or why the command is refused. */
export type Decision<E> = { readonly events: readonly E[] } | { readonly rejected: string };

/**
 * A command type: its versions like an event's, the aggregate whose stream it acts on, and its
 * decider.
 *
 * What a decider may consult, and what that guarantees:
 *
 * - Only its two arguments: the command, upcast to the newest shape and validated, and
 *   `state`, the fold (`aggregate.evolve`) of every prior event of the command's own stream.
 *   It is pure and synchronous: no clock, no randomness, no I/O, no other stream. Anything
 *   time- or id-like it needs travels in the command.
 * - Commands are keyed by stream id, so all commands of a stream land on one partition and
 *   the one worker that owns that partition decides them one at a time, in order, each seeing
 *   the events of the ones before. Invariants within a stream therefore hold: an order is not
 *   cancelled after it shipped, a payment is not refunded past what was paid.
 * - Invariants across streams do not: two customers may register the same email at once, and
 *   an order may name a customer id that was never registered. Check those in a read model
 *   before sending the command, or correct them afterwards; a decider cannot see them.
 */
export type CommandContract<
  T extends string = string,
  S extends z.ZodObject = z.ZodObject,
  A extends Aggregate = Aggregate,
> = Contract<'command', T, S> & {
  readonly aggregate: A;
  /** Method syntax, so any command contract fits `CommandContract`. */
  decide(command: z.output<S>, state: StateOf<A>): Decision<EventOf<A>>;
};

export type CommandDefinition<T extends string, S extends SchemaList, A extends Aggregate> = {
  /** The command's name, imperative: "PlaceOrder". */
  readonly type: T;
  readonly versions: VersionList<S>;
  readonly decide: (command: z.output<LatestOf<S>>, state: StateOf<A>) => Decision<EventOf<A>>;
};

/**
 * Defines the command types of an aggregate:
 *
 * ```ts
 * export const CancelOrder = defineCommand(orderAggregate)({
 *   type: 'CancelOrder',
 *   versions: [{ version: 1, schema, samples: [{ reason: 'changed my mind' }] }],
 *   decide: (command, state) =>
 *     state.status === 'shipped'
 *       ? { rejected: 'a shipped order cannot be cancelled' }
 *       : { events: [{ type: 'OrderCancelled', data: command }] },
 * });
 * ```
 *
 * The aggregate comes in a call of its own so that its event types are settled before the
 * compiler reads the decider, which is how the events it returns are checked against them.
 * The stream id tag is the aggregate's; every field of every version must carry a PII tag, as
 * for events (commands sit on the log too). Throws if the definition is malformed.
 */
export const defineCommand =
  <A extends Aggregate>(aggregate: A) =>
  <const T extends string, const S extends SchemaList>(
    definition: CommandDefinition<T, S, A> & EveryFieldTagged<S>,
  ): CommandContract<T, LatestOf<S>, A> => {
    const { type, versions, decide } = definition;
    if (typeof decide !== 'function')
      throw new ProjectionistError('PRJ_CONTRACT_INVALID', `${type}: a decide function is required`);
    const contract = buildContract({ kind: 'command', type, streamId: aggregate.streamId, versions });
    return Object.freeze({ ...contract, aggregate, decide }) as CommandContract<T, LatestOf<S>, A>;
  };
