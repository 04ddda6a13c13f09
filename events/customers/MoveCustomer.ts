import { z } from 'zod';
import { defineCommand } from '../../src/index.ts';
import { postalAddress } from '../shared/postalAddress.ts';
import { customerAggregate } from './customerAggregate.ts';

/** Records a customer's new address. */
export const MoveCustomer = defineCommand(customerAggregate)({
  type: 'MoveCustomer',
  versions: [
    {
      version: 1,
      schema: z.object({ address: postalAddress }),
      samples: [
        { address: { street: 'Oudegracht 158', postalCode: '3511 AZ', city: 'Utrecht', country: 'NL' } },
      ],
    },
  ],
  decide: (command, state) =>
    state.status === 'active'
      ? { events: [{ type: 'CustomerMoved', data: command }] }
      : { rejected: `a customer who is ${state.status} cannot move` },
});
