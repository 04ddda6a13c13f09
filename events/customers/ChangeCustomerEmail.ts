import { z } from 'zod';
import { defineCommand, personal } from '../../src/index.ts';
import { customerAggregate } from './customerAggregate.ts';

/**
 * Changes a customer's email address. Whether another customer already uses the address is
 * a question across streams, which this decider cannot answer (see defineCommand).
 */
export const ChangeCustomerEmail = defineCommand(customerAggregate)({
  type: 'ChangeCustomerEmail',
  versions: [
    {
      version: 1,
      schema: z.object({ email: personal.email(z.email()) }),
      samples: [{ email: 'ada.king@example.com' }],
    },
  ],
  decide: (command, state) => {
    if (state.status !== 'active')
      return { rejected: `a customer who is ${state.status} has no email to change` };
    // Sending the same change twice is not an error, and it changes nothing.
    if (state.email === command.email) return { events: [] };
    return { events: [{ type: 'CustomerEmailChanged', data: command }] };
  },
});
