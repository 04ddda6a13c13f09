import { z } from 'zod';
import { defineCommand, personal } from '../../src/index.ts';
import { cents } from '../shared/money.ts';
import { paymentAggregate } from './paymentAggregate.ts';

/** Pays back some or all of a payment, in the payment's currency. */
export const RefundPayment = defineCommand(paymentAggregate)({
  type: 'RefundPayment',
  versions: [
    {
      version: 1,
      schema: z.object({
        amountCents: cents.refine((value) => value > 0, 'a refund is more than nothing'),
        reason: personal.freeText(z.string().trim().min(1)),
      }),
      samples: [{ amountCents: 1495, reason: 'Mug arrived broken' }],
    },
  ],
  decide: (command, state) => {
    if (state.status === 'none') return { rejected: 'there is no such payment' };
    const refundable = state.amountCents - state.refundedCents;
    if (command.amountCents > refundable) {
      return { rejected: `a refund of ${command.amountCents} exceeds the ${refundable} still refundable` };
    }
    return { events: [{ type: 'PaymentRefunded', data: { ...command, currency: state.currency } }] };
  },
});
