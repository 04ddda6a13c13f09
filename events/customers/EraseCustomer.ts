import { z } from 'zod';
import { defineCommand, notPersonal } from '../../src/index.ts';
import { customerAggregate } from './customerAggregate.ts';

/** Forgets a customer's personal data (GDPR article 17). */
export const EraseCustomer = defineCommand(customerAggregate)({
  type: 'EraseCustomer',
  versions: [
    {
      version: 1,
      schema: z.object({ reason: notPersonal(z.enum(['gdpr-request', 'account-closed'])) }),
      samples: [{ reason: 'gdpr-request' }],
    },
  ],
  decide: (command, state) => {
    switch (state.status) {
      case 'unregistered':
        return { rejected: 'there is no such customer' };
      case 'erased':
        // Erasure requests get repeated; the customer is already forgotten.
        return { events: [] };
      case 'active':
        return { events: [{ type: 'CustomerErased', data: command }] };
    }
  },
});
