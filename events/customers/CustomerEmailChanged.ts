import { z } from 'zod';
import { defineEvent, personal } from '../../src/index.ts';

/** A customer's email address changed. */
export const CustomerEmailChanged = defineEvent({
  type: 'CustomerEmailChanged',
  streamId: 'identifier',
  versions: [
    {
      version: 1,
      schema: z.object({ email: personal.email(z.email()) }),
      samples: [{ email: 'ada.king@example.com' }],
    },
  ],
});
