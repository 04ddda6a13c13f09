import { z } from 'zod';
import { defineCommand, notPersonal, personal } from '../../src/index.ts';
import { cents, currency, toCents } from '../shared/money.ts';
import { paymentAggregate } from './paymentAggregate.ts';
import { paymentMethod } from './paymentMethod.ts';

/** Records money received for an order; the stream id is the new payment's id. */
export const RecordPayment = defineCommand(paymentAggregate)({
  type: 'RecordPayment',
  versions: [
    {
      version: 1,
      schema: z.object({
        orderId: notPersonal(z.string().min(1)),
        amount: notPersonal(z.number().positive()),
        method: paymentMethod,
      }),
      samples: [{ orderId: 'ord-0001', amount: 27.95, method: 'card' }],
    },
    {
      version: 2,
      schema: z.object({
        orderId: notPersonal(z.string().min(1)),
        amountCents: cents.refine((value) => value > 0, 'a payment is more than nothing'),
        currency,
        method: paymentMethod,
        reference: personal.freeText(z.string()).nullable(),
      }),
      samples: [
        {
          orderId: 'ord-0003',
          amountCents: 2697,
          currency: 'GBP',
          method: 'bank-transfer',
          reference: 'Order 3',
        },
      ],
      // Senders of v1 paid in euros and sent amounts as floats.
      upcast: ({ amount, ...rest }) => ({
        ...rest,
        amountCents: toCents(amount),
        currency: 'EUR',
        reference: null,
      }),
    },
  ],
  decide: (command, state) =>
    state.status === 'none'
      ? { events: [{ type: 'PaymentReceived', data: command }] }
      : { rejected: 'a payment with this id was already recorded' },
});
