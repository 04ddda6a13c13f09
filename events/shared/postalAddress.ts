import { z } from 'zod';
import { notPersonal, personal } from '../../src/index.ts';

/**
 * A postal address as the newest versions carry it. Every version that uses this schema
 * changes if it does: to change an address, add a new schema and a new version instead.
 */
export const postalAddress = z.object({
  street: personal.address(z.string().trim().min(1)),
  postalCode: personal.postalCode(z.string().trim().min(1)),
  city: personal.city(z.string().trim().min(1)),
  /** ISO 3166-1 alpha-2. */
  country: notPersonal(z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code')),
});

export type PostalAddress = z.output<typeof postalAddress>;
