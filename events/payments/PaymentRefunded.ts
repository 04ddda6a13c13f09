import { z } from 'zod';
import { defineEvent, personal } from '../../src/index.ts';
import { cents, currency } from '../shared/money.ts';

/** Some or all of a payment was paid back. */
export const PaymentRefunded = defineEvent({
  type: 'PaymentRefunded',
  streamId: 'notPersonal',
  versions: [
    {
      version: 1,
      schema: z.object({
        amountCents: cents,
        currency,
        reason: personal.freeText(z.string().trim().min(1)),
      }),
      samples: [{ amountCents: 1495, currency: 'EUR', reason: 'Mug arrived broken' }],
    },
  ],
});
