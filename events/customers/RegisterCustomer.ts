import { z } from 'zod';
import { defineCommand, notPersonal, personal } from '../../src/index.ts';
import { postalAddress } from '../shared/postalAddress.ts';
import { customerAggregate } from './customerAggregate.ts';
import { splitFullName } from './splitFullName.ts';

const v1 = z.object({
  name: personal.name(z.string().trim().min(1)),
  email: personal.email(z.email()),
  phone: personal.phone(z.string().min(1)).nullable(),
  birthDate: personal.dateOfBirth(z.iso.date()),
  address: postalAddress,
  marketingOptIn: notPersonal(z.boolean()),
});

const { name: _name, ...v1WithoutName } = v1.shape;

const v2 = z.object({
  ...v1WithoutName,
  firstName: personal.name(z.string().trim().min(1)),
  lastName: personal.name(z.string().trim()),
});

/** Signs a customer up; the stream id is the new customer's id, chosen by the sender. */
export const RegisterCustomer = defineCommand(customerAggregate)({
  type: 'RegisterCustomer',
  versions: [
    {
      version: 1,
      schema: v1,
      samples: [
        {
          name: 'Ada Lovelace',
          email: 'ada@example.com',
          phone: null,
          birthDate: '1815-12-10',
          address: { street: 'Keizersgracht 123', postalCode: '1015 CJ', city: 'Amsterdam', country: 'NL' },
          marketingOptIn: false,
        },
      ],
    },
    {
      version: 2,
      schema: v2,
      samples: [
        {
          firstName: 'Grace',
          lastName: 'Hopper',
          email: 'grace@example.com',
          phone: '+1 202 555 0143',
          birthDate: '1906-12-09',
          address: { street: '1 Navy Yard', postalCode: '20374', city: 'Washington', country: 'US' },
          marketingOptIn: true,
        },
      ],
      upcast: ({ name, ...rest }) => ({ ...rest, ...splitFullName(name) }),
    },
  ],
  decide: (command, state) => {
    switch (state.status) {
      case 'active':
        return { rejected: 'the customer is already registered' };
      case 'erased':
        return { rejected: 'the customer was erased; register them under a new id' };
      case 'unregistered':
        return { events: [{ type: 'CustomerRegistered', data: command }] };
    }
  },
});
