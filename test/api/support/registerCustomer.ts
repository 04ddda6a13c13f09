import type { CommandBody } from './validCommand.ts';

/** A RegisterCustomer v2 command the intake accepts. */
export const registerCustomer = (id: string, streamId: string): CommandBody => ({
  id,
  type: 'RegisterCustomer',
  version: 2,
  streamId,
  payload: {
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: `${streamId}@example.com`,
    phone: '+31 20 123 4567',
    birthDate: '1815-12-10',
    address: { street: 'Keizersgracht 1', postalCode: '1015 CJ', city: 'Amsterdam', country: 'NL' },
    marketingOptIn: false,
  },
});
