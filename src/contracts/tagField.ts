import { z } from 'zod';
import type { PersonalKind, PiiTag } from './piiTag.ts';

declare const piiBrand: unique symbol;

/**
 * A schema that carries a PII tag. The brand exists only for the compiler: it is how
 * `defineEvent` and `defineCommand` refuse, at compile time, a field that has no tag.
 */
export type Tagged<S extends z.ZodType = z.ZodType, T extends PiiTag = PiiTag> = S & {
  readonly [piiBrand]: T;
};

/** Tags live in a registry of their own, so they never leak into JSON Schema or OpenAPI output. */
const piiRegistry = z.registry<{ readonly pii: PiiTag }>();

/**
 * Returns a copy of `schema` tagged with `tag`. The copy keeps the tag through later refinements
 * (`.min()`, `.describe()`), and wrapping it (`.optional()`, `.nullable()`) keeps the tag on the
 * inner schema, where the field walkers find it. A tagged object or array is one field as a
 * whole: its parts need no tags of their own.
 */
export const tagField = <S extends z.ZodType, T extends PiiTag>(schema: S, tag: T): Tagged<S, T> => {
  // A copy, so that one schema reused for two fields can carry two different tags.
  const copy = schema.clone();
  piiRegistry.add(copy, { pii: tag });
  return copy as Tagged<S, T>;
};

/** The tag on this very schema (not on schemas it wraps), or undefined. */
export const tagOf = (schema: z.core.$ZodType): PiiTag | undefined => piiRegistry.get(schema)?.pii;

/** Marks a field that holds no personal data: staging copies it as it is. */
export const notPersonal = <S extends z.ZodType>(schema: S): Tagged<S, 'notPersonal'> =>
  tagField(schema, 'notPersonal');

const kind =
  <K extends PersonalKind>(tag: K) =>
  <S extends z.ZodType>(schema: S): Tagged<S, K> =>
    tagField(schema, tag);

/** One tagger per kind of personal data: `personal.email(z.email())`. */
export const personal = {
  name: kind('name'),
  email: kind('email'),
  phone: kind('phone'),
  address: kind('address'),
  postalCode: kind('postalCode'),
  city: kind('city'),
  dateOfBirth: kind('dateOfBirth'),
  freeText: kind('freeText'),
  identifier: kind('identifier'),
  ip: kind('ip'),
} as const satisfies { readonly [K in PersonalKind]: unknown };
