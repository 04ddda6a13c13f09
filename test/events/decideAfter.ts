import type { z } from 'zod';
import { expect } from 'vitest';
import {
  foldState,
  type Aggregate,
  type CommandContract,
  type Decision,
  type EventOf,
} from '../../src/contracts/index.ts';
import { contractRegistry } from '../../events/index.ts';

/**
 * Decides a command (newest shape) on the state folded from a stream's prior events, the way
 * a command worker does, and checks that every event it decides on is valid in its newest
 * version: a decider must never produce what its own contracts refuse.
 */
export const decideAfter = <T extends string, S extends z.ZodObject, A extends Aggregate>(options: {
  readonly contract: CommandContract<T, S, A>;
  readonly command: z.output<S>;
  readonly history?: readonly EventOf<A>[];
}): Decision<EventOf<A>> => {
  const { contract, command, history = [] } = options;
  const state = foldState({ aggregate: contract.aggregate, events: history });
  const decision = contract.decide(command, state);
  if ('events' in decision) {
    for (const event of decision.events) {
      const eventContract = contractRegistry.lookup('event', event.type);
      expect(eventContract?.schema.safeParse(event.data).success, `${event.type} is valid`).toBe(true);
    }
  }
  return decision;
};
