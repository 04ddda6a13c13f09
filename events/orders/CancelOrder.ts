import { z } from 'zod';
import { defineCommand, personal } from '../../src/index.ts';
import { orderAggregate } from './orderAggregate.ts';

/** Cancels an order that has not shipped. */
export const CancelOrder = defineCommand(orderAggregate)({
  type: 'CancelOrder',
  versions: [
    {
      version: 1,
      schema: z.object({ reason: personal.freeText(z.string().trim().min(1)) }),
      samples: [{ reason: 'Ordered twice by mistake' }],
    },
  ],
  decide: (command, state) => {
    switch (state.status) {
      case 'none':
        return { rejected: 'there is no such order' };
      case 'shipped':
        return { rejected: 'a shipped order cannot be cancelled' };
      case 'cancelled':
        // Cancelling twice is not an error, and it changes nothing.
        return { events: [] };
      case 'placed':
        return { events: [{ type: 'OrderCancelled', data: command }] };
    }
  },
});
