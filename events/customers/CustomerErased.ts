import { z } from 'zod';
import { defineEvent, notPersonal } from '../../src/index.ts';

/**
 * A customer's personal data must be forgotten (GDPR article 17). Read models drop or blank
 * what they hold about the customer; the event itself carries no personal data.
 */
export const CustomerErased = defineEvent({
  type: 'CustomerErased',
  streamId: 'identifier',
  versions: [
    {
      version: 1,
      schema: z.object({ reason: notPersonal(z.enum(['gdpr-request', 'account-closed'])) }),
      samples: [{ reason: 'gdpr-request' }, { reason: 'account-closed' }],
    },
  ],
});
