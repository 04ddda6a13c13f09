import { defineEvent } from '../../src/index.ts';
import { orderLine } from './orderLine.ts';

/** A line was added to an order that had not shipped yet. */
export const OrderLineAdded = defineEvent({
  type: 'OrderLineAdded',
  streamId: 'notPersonal',
  versions: [
    {
      version: 1,
      schema: orderLine,
      samples: [{ sku: 'TEA-ROOIBOS-250', quantity: 1, unitPriceCents: 575 }],
    },
  ],
});
