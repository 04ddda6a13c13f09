import { z } from 'zod';
import { defineEvent, notPersonal, personal } from '../../src/index.ts';
import { postalAddress } from '../shared/postalAddress.ts';
import { splitFullName } from './splitFullName.ts';

const dutchAddress = z.object({
  street: personal.address(z.string().trim().min(1)),
  postalCode: personal.postalCode(z.string().trim().min(1)),
  city: personal.city(z.string().trim().min(1)),
});

const v1 = z.object({
  name: personal.name(z.string().trim().min(1)),
  email: personal.email(z.email()),
  birthDate: personal.dateOfBirth(z.iso.date()),
  address: dutchAddress,
});

const v2 = z.object({
  firstName: personal.name(z.string().trim().min(1)),
  /** Empty for people with one name. */
  lastName: personal.name(z.string().trim()),
  email: personal.email(z.email()),
  phone: personal.phone(z.string().min(1)).nullable(),
  birthDate: personal.dateOfBirth(z.iso.date()),
  address: dutchAddress,
});

const v3 = v2.extend({
  address: postalAddress,
  marketingOptIn: notPersonal(z.boolean()),
});

/** A customer signed up. The stream id is the customer id. */
export const CustomerRegistered = defineEvent({
  type: 'CustomerRegistered',
  streamId: 'identifier',
  versions: [
    {
      version: 1,
      schema: v1,
      samples: [
        {
          name: 'Ada Lovelace',
          email: 'ada@example.com',
          birthDate: '1815-12-10',
          address: { street: 'Keizersgracht 123', postalCode: '1015 CJ', city: 'Amsterdam' },
        },
        {
          name: 'Multatuli',
          email: 'multatuli@example.nl',
          birthDate: '1820-03-02',
          address: { street: 'Korsjespoortsteeg 20', postalCode: '1015 AR', city: 'Amsterdam' },
        },
      ],
    },
    {
      version: 2,
      schema: v2,
      samples: [
        {
          firstName: 'Anna Maria',
          lastName: 'van Schurman',
          email: 'a.m.van.schurman@example.nl',
          phone: '+31 30 123 4567',
          birthDate: '1607-11-05',
          address: { street: 'Domplein 29', postalCode: '3512 JE', city: 'Utrecht' },
        },
      ],
      // v1 kept one name field; v2 splits it and starts asking for a phone number.
      upcast: ({ name, ...rest }) => ({ ...rest, ...splitFullName(name), phone: null }),
    },
    {
      version: 3,
      schema: v3,
      samples: [
        {
          firstName: 'Grace',
          lastName: 'Hopper',
          email: 'grace@example.com',
          phone: null,
          birthDate: '1906-12-09',
          address: { street: '1 Navy Yard', postalCode: '20374', city: 'Washington', country: 'US' },
          marketingOptIn: true,
        },
      ],
      // Until v3 the shop delivered only in the Netherlands and asked no marketing consent.
      upcast: (previous) => ({
        ...previous,
        address: { ...previous.address, country: 'NL' },
        marketingOptIn: false,
      }),
    },
  ],
});
