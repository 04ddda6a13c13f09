import { z } from 'zod';
import { defineEvent, personal } from '../../src/index.ts';
import { cents, currency } from '../shared/money.ts';
import { postalAddress } from '../shared/postalAddress.ts';
import { orderLine, totalOf } from './orderLine.ts';

const v1 = z.object({
  customer: personal.identifier(z.string().min(1)),
  lines: z.array(orderLine),
  currency,
  deliveryAddress: postalAddress,
  giftMessage: personal.freeText(z.string()).nullable(),
});

const { customer: _customer, ...v1WithoutCustomer } = v1.shape;

const v2 = z.object({
  ...v1WithoutCustomer,
  customerId: personal.identifier(z.string().min(1)),
  totalCents: cents,
});

/** A customer placed an order. The stream id is the order id. */
export const OrderPlaced = defineEvent({
  type: 'OrderPlaced',
  streamId: 'notPersonal',
  versions: [
    {
      version: 1,
      schema: v1,
      samples: [
        {
          customer: 'cus-0001',
          lines: [
            { sku: 'TEA-EARL-GREY-250', quantity: 2, unitPriceCents: 650 },
            { sku: 'MUG-DELFT-BLUE', quantity: 1, unitPriceCents: 1495 },
          ],
          currency: 'EUR',
          deliveryAddress: {
            street: 'Keizersgracht 123',
            postalCode: '1015 CJ',
            city: 'Amsterdam',
            country: 'NL',
          },
          giftMessage: 'Happy birthday, Charles!',
        },
      ],
    },
    {
      version: 2,
      schema: v2,
      samples: [
        {
          customerId: 'cus-0002',
          lines: [{ sku: 'TEA-SENCHA-100', quantity: 3, unitPriceCents: 899 }],
          currency: 'EUR',
          totalCents: 2697,
          deliveryAddress: { street: 'Domplein 29', postalCode: '3512 JE', city: 'Utrecht', country: 'NL' },
          giftMessage: null,
        },
      ],
      // v2 renames `customer` to `customerId` and carries the total that readers used to sum.
      upcast: ({ customer, ...rest }) => ({ ...rest, customerId: customer, totalCents: totalOf(rest.lines) }),
    },
  ],
});
