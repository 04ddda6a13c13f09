import { z } from 'zod';
import { defineCommand, personal } from '../../src/index.ts';
import { currency } from '../shared/money.ts';
import { postalAddress } from '../shared/postalAddress.ts';
import { orderAggregate } from './orderAggregate.ts';
import { orderLine, totalOf } from './orderLine.ts';

/**
 * Places an order; the stream id is the new order's id, chosen by the sender. Whether the
 * customer exists is a question across streams, which this decider cannot answer.
 */
export const PlaceOrder = defineCommand(orderAggregate)({
  type: 'PlaceOrder',
  versions: [
    {
      version: 1,
      schema: z.object({
        customerId: personal.identifier(z.string().min(1)),
        // An empty list parses, so that it is refused with a reason rather than as malformed.
        lines: z.array(orderLine),
        currency,
        deliveryAddress: postalAddress,
        giftMessage: personal.freeText(z.string()).nullable(),
      }),
      samples: [
        {
          customerId: 'cus-0001',
          lines: [{ sku: 'TEA-EARL-GREY-250', quantity: 2, unitPriceCents: 650 }],
          currency: 'EUR',
          deliveryAddress: {
            street: 'Keizersgracht 123',
            postalCode: '1015 CJ',
            city: 'Amsterdam',
            country: 'NL',
          },
          giftMessage: null,
        },
      ],
    },
  ],
  decide: (command, state) => {
    if (state.status !== 'none') return { rejected: 'an order with this id already exists' };
    if (command.lines.length === 0) return { rejected: 'an order needs at least one line' };
    return { events: [{ type: 'OrderPlaced', data: { ...command, totalCents: totalOf(command.lines) } }] };
  },
});
