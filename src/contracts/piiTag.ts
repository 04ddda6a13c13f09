/**
 * The kinds of personal data a field can hold. Staging picks an anonymizing strategy per kind
 * (pseudonymize, fake, generalize, redact, drop), so a kind says what the value looks like as
 * much as that it is personal: an `email` must stay an email, a `dateOfBirth` may become a year.
 */
export const personalKinds = [
  'name',
  'email',
  'phone',
  'address',
  'postalCode',
  'city',
  'dateOfBirth',
  'freeText',
  /** An id that identifies a person (a customer id, a shipment tracking code, an IBAN). */
  'identifier',
  'ip',
] as const;

export type PersonalKind = (typeof personalKinds)[number];

/** Every field of every contract carries exactly one of these. */
export type PiiTag = 'notPersonal' | PersonalKind;

export const piiTags: readonly PiiTag[] = ['notPersonal', ...personalKinds];

export const isPiiTag = (value: unknown): value is PiiTag =>
  typeof value === 'string' && (piiTags as readonly string[]).includes(value);
