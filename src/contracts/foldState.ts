import type { Aggregate, EventOf, StateOf } from './defineAggregate.ts';

/**
 * The state of one stream: its events, in log order and in their newest shapes (as the
 * registry decodes them), folded from the aggregate's initial state. Events of types the
 * aggregate does not list are not part of its state and are passed over.
 */
export const foldState = <A extends Aggregate>(options: {
  readonly aggregate: A;
  readonly events: Iterable<EventOf<A>>;
}): StateOf<A> => {
  const { aggregate, events } = options;
  const types = new Set(aggregate.events.map((event) => event.type));
  let state: StateOf<A> = aggregate.initial;
  for (const event of events) {
    if (types.has(event.type)) state = aggregate.evolve(state, event);
  }
  return state;
};
