import { z } from 'zod';
import { defineEvent, notPersonal, personal } from '../../src/index.ts';
import { cents, currency, toCents } from '../shared/money.ts';
import { paymentMethod } from './paymentMethod.ts';

const v1 = z.object({
  orderId: notPersonal(z.string().min(1)),
  /** Euros, as a binary float. */
  amount: notPersonal(z.number().positive()),
  method: paymentMethod,
});

const v2 = z.object({
  orderId: notPersonal(z.string().min(1)),
  amountCents: cents,
  currency,
  method: paymentMethod,
  /** The payer's own description on a bank transfer: it may name people. */
  reference: personal.freeText(z.string()).nullable(),
});

/** Money came in for an order. The stream id is the payment id. */
export const PaymentReceived = defineEvent({
  type: 'PaymentReceived',
  streamId: 'notPersonal',
  versions: [
    {
      version: 1,
      schema: v1,
      samples: [
        { orderId: 'ord-0001', amount: 27.95, method: 'card' },
        { orderId: 'ord-0002', amount: 0.29, method: 'ideal' },
      ],
    },
    {
      version: 2,
      schema: v2,
      samples: [
        {
          orderId: 'ord-0003',
          amountCents: 2697,
          currency: 'GBP',
          method: 'bank-transfer',
          reference: 'Order 3 for C. Babbage',
        },
      ],
      // v1 amounts were euros as floats; v2 counts integer cents in a named currency.
      upcast: ({ amount, ...rest }) => ({
        ...rest,
        amountCents: toCents(amount),
        currency: 'EUR',
        reference: null,
      }),
    },
  ],
});
