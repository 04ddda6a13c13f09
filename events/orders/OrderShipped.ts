import { z } from 'zod';
import { defineEvent, notPersonal, personal } from '../../src/index.ts';

/** An order left the warehouse. */
export const OrderShipped = defineEvent({
  type: 'OrderShipped',
  streamId: 'notPersonal',
  versions: [
    {
      version: 1,
      schema: z.object({
        carrier: notPersonal(z.enum(['postnl', 'dhl', 'ups'])),
        // A tracking code looks up the recipient's name and address on the carrier's site.
        trackingCode: personal.identifier(z.string().min(1)),
      }),
      samples: [{ carrier: 'postnl', trackingCode: '3SABCD1234567' }],
    },
  ],
});
