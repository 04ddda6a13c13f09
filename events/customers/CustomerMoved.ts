import { z } from 'zod';
import { defineEvent, personal } from '../../src/index.ts';
import { postalAddress } from '../shared/postalAddress.ts';

const v1 = z.object({
  street: personal.address(z.string().trim().min(1)),
  postalCode: personal.postalCode(z.string().trim().min(1)),
  city: personal.city(z.string().trim().min(1)),
});

const v2 = z.object({ address: postalAddress });

/** A customer moved to a new address. */
export const CustomerMoved = defineEvent({
  type: 'CustomerMoved',
  streamId: 'identifier',
  versions: [
    {
      version: 1,
      schema: v1,
      samples: [{ street: 'Oudegracht 158', postalCode: '3511 AZ', city: 'Utrecht' }],
    },
    {
      version: 2,
      schema: v2,
      samples: [
        { address: { street: 'Rue de Rivoli 99', postalCode: '75001', city: 'Paris', country: 'FR' } },
      ],
      // v1 spelled the address out flat and, like every v1 address, was in the Netherlands.
      upcast: (previous) => ({ address: { ...previous, country: 'NL' } }),
    },
  ],
});
