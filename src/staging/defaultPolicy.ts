import type { PiiTag } from '../contracts/index.ts';
import type { Strategy } from './strategies.ts';

/**
 * The strategy per tag when the policy says nothing else. Chosen so that every value keeps the
 * format its schema demands (the refresh reads the output with the same contracts) and so that
 * nothing personal passes raw: `keep` is for `notPersonal` only.
 */
export const defaultPolicy = {
  // The contract's author declared it holds no personal data.
  notPersonal: 'keep',
  // Plausible names from pinned lists, one per input, word count kept: screens look real.
  name: 'fake',
  // first.last.<hex>@example.invalid: valid, unique per address, and never deliverable.
  email: 'fake',
  // Same shape and country code, other digits replaced: formatters and validators still work.
  phone: 'fake',
  // A made-up street with a house number in the same layout.
  address: 'fake',
  // The first two characters (the region) kept, the rest zeroed in the same shape.
  postalCode: 'generalize',
  // A made-up town, the same for every occurrence of one city, so group-bys keep their sizes;
  // a real city beside a birth year and a postal region narrows a person down.
  city: 'fake',
  // The year only: ages and cohorts survive, the day that singles a person out does not.
  dateOfBirth: 'generalize',
  // Free text can say anything about anyone; nothing in it is safe to keep or to imitate.
  freeText: 'redact',
  // Keyed pseudonyms: joins between streams and fields, uniqueness and stream keys survive.
  identifier: 'pseudonymize',
  // An address in 10.0.0.0/8 (or 2001:db8::/32) picked by the HMAC: still an IP, still consistent.
  ip: 'fake',
} as const satisfies Readonly<Record<PiiTag, Strategy>>;
