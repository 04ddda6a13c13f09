import { z } from 'zod';
import { defineCommand, personal } from '../../src/index.ts';
import { customerAggregate } from './customerAggregate.ts';

/** Corrects a customer's name or phone number. */
export const ChangeCustomerDetails = defineCommand(customerAggregate)({
  type: 'ChangeCustomerDetails',
  versions: [
    {
      version: 1,
      schema: z.object({
        firstName: personal.name(z.string().trim().min(1)),
        lastName: personal.name(z.string().trim()),
        phone: personal.phone(z.string().min(1)).nullable(),
      }),
      samples: [{ firstName: 'Ada', lastName: 'King', phone: '+44 20 7946 0018' }],
    },
  ],
  decide: (command, state) =>
    state.status === 'active'
      ? { events: [{ type: 'CustomerDetailsChanged', data: command }] }
      : { rejected: `a customer who is ${state.status} has no details to change` },
});
