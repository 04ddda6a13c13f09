import { z } from 'zod';
import { defineEvent, personal } from '../../src/index.ts';

/** A customer corrected their name or phone number. */
export const CustomerDetailsChanged = defineEvent({
  type: 'CustomerDetailsChanged',
  streamId: 'identifier',
  versions: [
    {
      version: 1,
      schema: z.object({
        firstName: personal.name(z.string().trim().min(1)),
        lastName: personal.name(z.string().trim()),
        phone: personal.phone(z.string().min(1)).nullable(),
      }),
      samples: [
        { firstName: 'Ada', lastName: 'King', phone: '+44 20 7946 0018' },
        { firstName: 'Multatuli', lastName: '', phone: null },
      ],
    },
  ],
});
