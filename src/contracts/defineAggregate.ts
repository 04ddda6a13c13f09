import { ProjectionistError } from '../errors/index.ts';
import type { z } from 'zod';
import type { EventContract } from './Contract.ts';
import type { PiiTag } from './piiTag.ts';

/** One event of an aggregate's stream, in its newest shape, discriminated by `type`. */
export type AggregateEvent<E extends EventContract> =
  E extends EventContract<infer T, infer S> ? { readonly type: T; readonly data: z.output<S> } : never;

/**
 * A consistency boundary: one stream per instance (a customer, an order), the event types its
 * stream holds, and the fold that turns them into the state its commands decide on.
 */
export type Aggregate<N extends string = string, State = unknown, E extends EventContract = EventContract> = {
  readonly name: N;
  /** What the stream ids of this aggregate are, as personal data; its events all say the same. */
  readonly streamId: PiiTag;
  /** The state of a stream with no events yet. */
  readonly initial: State;
  readonly events: readonly E[];
  /** Pure: the state after one more event. Method syntax, so any aggregate fits `Aggregate`. */
  evolve(state: State, event: AggregateEvent<E>): State;
};

export type StateOf<A extends Aggregate> = A['initial'];
export type EventOf<A extends Aggregate> = AggregateEvent<A['events'][number]>;

/**
 * Defines an aggregate. Throws if it lists no events, lists one twice, or lists events whose
 * stream id tags disagree (they share one stream, so they share what its id is).
 */
export const defineAggregate = <
  const N extends string,
  State,
  const E extends readonly EventContract[],
>(definition: {
  readonly name: N;
  readonly initial: State;
  readonly events: E;
  readonly evolve: (state: State, event: AggregateEvent<E[number]>) => State;
}): Aggregate<N, State, E[number]> => {
  const { name, initial, events, evolve } = definition;
  const first = events[0];
  if (first === undefined)
    throw new ProjectionistError(
      'PRJ_CONTRACT_INVALID',
      `Aggregate ${name}: it must list the event types of its stream`,
    );
  const types = new Set<string>();
  for (const event of events) {
    if (types.has(event.type))
      throw new ProjectionistError(
        'PRJ_CONTRACT_INVALID',
        `Aggregate ${name}: ${event.type} is listed twice`,
      );
    types.add(event.type);
    if (event.streamId !== first.streamId) {
      throw new ProjectionistError(
        'PRJ_CONTRACT_INVALID',
        `Aggregate ${name}: ${event.type} tags its stream id "${event.streamId}" but ${first.type} tags it "${first.streamId}"`,
      );
    }
  }
  return Object.freeze({ name, streamId: first.streamId, initial, events, evolve });
};
