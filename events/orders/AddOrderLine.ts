import { defineCommand } from '../../src/index.ts';
import { orderAggregate } from './orderAggregate.ts';
import { orderLine } from './orderLine.ts';

/** Adds a line to an order that has not shipped or been cancelled. */
export const AddOrderLine = defineCommand(orderAggregate)({
  type: 'AddOrderLine',
  versions: [
    {
      version: 1,
      schema: orderLine,
      samples: [{ sku: 'TEA-ROOIBOS-250', quantity: 1, unitPriceCents: 575 }],
    },
  ],
  decide: (command, state) =>
    state.status === 'placed'
      ? { events: [{ type: 'OrderLineAdded', data: command }] }
      : { rejected: state.status === 'none' ? 'there is no such order' : `the order is ${state.status}` },
});
