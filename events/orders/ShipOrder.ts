import { z } from 'zod';
import { defineCommand, notPersonal, personal } from '../../src/index.ts';
import { orderAggregate } from './orderAggregate.ts';

/** Records that an order left the warehouse. */
export const ShipOrder = defineCommand(orderAggregate)({
  type: 'ShipOrder',
  versions: [
    {
      version: 1,
      schema: z.object({
        carrier: notPersonal(z.enum(['postnl', 'dhl', 'ups'])),
        trackingCode: personal.identifier(z.string().min(1)),
      }),
      samples: [{ carrier: 'dhl', trackingCode: 'JJD000390007812345' }],
    },
  ],
  decide: (command, state) =>
    state.status === 'placed'
      ? { events: [{ type: 'OrderShipped', data: command }] }
      : {
          rejected:
            state.status === 'none' ? 'there is no such order' : `the order is already ${state.status}`,
        },
});
