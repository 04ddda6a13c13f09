import { z } from 'zod';
import { defineEvent, personal } from '../../src/index.ts';

/** An order was cancelled before it shipped. */
export const OrderCancelled = defineEvent({
  type: 'OrderCancelled',
  streamId: 'notPersonal',
  versions: [
    {
      version: 1,
      // Typed by the customer or support staff: it may name people.
      schema: z.object({ reason: personal.freeText(z.string().trim().min(1)) }),
      samples: [{ reason: 'Ordered twice by mistake' }],
    },
  ],
});
