import { z } from 'zod';
import type { PiiTag } from './piiTag.ts';
import { tagOf } from './tagField.ts';

/**
 * What a schema is to the PII walkers: a tagged field (a leaf, however complex its value), an
 * object or array whose parts carry the tags, or something untagged that staging must not pass.
 * Wrappers that do not change a value's structure (optional, nullable, default, ...) are seen
 * through; a tag on the wrapper or on anything it wraps counts.
 */
export type SchemaNode =
  | { readonly kind: 'field'; readonly tag: PiiTag }
  | { readonly kind: 'object'; readonly shape: Readonly<Record<string, z.core.$ZodType>> }
  | { readonly kind: 'array'; readonly element: z.core.$ZodType }
  | { readonly kind: 'untagged' };

export const schemaNode = (schema: z.core.$ZodType): SchemaNode => {
  const tag = tagOf(schema);
  if (tag !== undefined) return { kind: 'field', tag };
  if (
    schema instanceof z.core.$ZodOptional ||
    schema instanceof z.core.$ZodNullable ||
    schema instanceof z.core.$ZodDefault ||
    schema instanceof z.core.$ZodPrefault ||
    schema instanceof z.core.$ZodReadonly ||
    schema instanceof z.core.$ZodCatch ||
    schema instanceof z.core.$ZodNonOptional
  ) {
    return schemaNode(schema._zod.def.innerType);
  }
  if (schema instanceof z.core.$ZodObject) return { kind: 'object', shape: schema._zod.def.shape };
  if (schema instanceof z.core.$ZodArray) return { kind: 'array', element: schema._zod.def.element };
  return { kind: 'untagged' };
};
