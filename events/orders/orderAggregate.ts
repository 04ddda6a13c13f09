import { defineAggregate } from '../../src/index.ts';
import { OrderCancelled } from './OrderCancelled.ts';
import { OrderLineAdded } from './OrderLineAdded.ts';
import { OrderPlaced } from './OrderPlaced.ts';
import { OrderShipped } from './OrderShipped.ts';

type PlacedOrder = {
  readonly customerId: string;
  readonly currency: string;
  readonly totalCents: number;
  readonly lineCount: number;
};

/** What order commands decide on. */
export type OrderState =
  { readonly status: 'none' } | ({ readonly status: 'placed' | 'cancelled' | 'shipped' } & PlacedOrder);

const initial: OrderState = { status: 'none' };

/** One stream per order; the stream id is the order id. */
export const orderAggregate = defineAggregate({
  name: 'order',
  initial,
  events: [OrderPlaced, OrderLineAdded, OrderCancelled, OrderShipped],
  evolve: (state, event): OrderState => {
    switch (event.type) {
      case 'OrderPlaced':
        return {
          status: 'placed',
          customerId: event.data.customerId,
          currency: event.data.currency,
          totalCents: event.data.totalCents,
          lineCount: event.data.lines.length,
        };
      case 'OrderLineAdded':
        return state.status === 'none'
          ? state
          : {
              ...state,
              totalCents: state.totalCents + event.data.quantity * event.data.unitPriceCents,
              lineCount: state.lineCount + 1,
            };
      case 'OrderCancelled':
        return state.status === 'none' ? state : { ...state, status: 'cancelled' };
      case 'OrderShipped':
        return state.status === 'none' ? state : { ...state, status: 'shipped' };
    }
  },
});
