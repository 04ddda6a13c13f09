/**
 * How staging treats one field:
 * - `keep`: copied as it is; the default only for fields tagged `notPersonal`.
 * - `pseudonymize`: replaced by a keyed HMAC token (`psd_` and 24 hex digits). The same input
 *   gives the same token in every field, stream id and event, so joins, group-bys and
 *   uniqueness survive; without the key the token cannot be traced back.
 * - `fake`: replaced by a plausible value of the same kind and format, chosen by that HMAC, so
 *   it is as consistent as a pseudonym: an email stays an email, a phone number keeps its shape.
 * - `generalize`: made coarser: a date of birth becomes its year, a postal code its region, an
 *   IP address its network.
 * - `redact`: replaced by '[redacted]'.
 * - `drop`: left out (or null, where the schema requires the field but accepts null).
 */
export const strategies = ['keep', 'pseudonymize', 'fake', 'generalize', 'redact', 'drop'] as const;

export type Strategy = (typeof strategies)[number];

export const isStrategy = (value: unknown): value is Strategy =>
  typeof value === 'string' && (strategies as readonly string[]).includes(value);
