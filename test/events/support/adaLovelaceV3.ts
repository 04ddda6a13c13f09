/**
 * CustomerRegistered's first v1 golden sample (Ada Lovelace) as v3 reads it, written out rather
 * than upcast here, so that the tests which use it check the upcasters instead of repeating them.
 */
export const adaLovelaceV3 = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  phone: null,
  birthDate: '1815-12-10',
  address: { street: 'Keizersgracht 123', postalCode: '1015 CJ', city: 'Amsterdam', country: 'NL' },
  marketingOptIn: false,
} as const;
