import type { z } from 'zod';
import type { PiiTag } from './piiTag.ts';
import { isPlainObject } from './isPlainObject.ts';
import { joinPattern } from './joinPattern.ts';
import { schemaNode } from './schemaNode.ts';
import type { FieldPath } from './walkFields.ts';

/** Returned by a field mapper to leave the field out of the result. */
export const dropField: unique symbol = Symbol('dropField');

export type FieldMapper = (field: {
  readonly path: FieldPath;
  readonly pattern: string;
  readonly tag: PiiTag;
  readonly value: unknown;
}) => unknown;

const map = (
  schema: z.core.$ZodType,
  value: unknown,
  path: FieldPath,
  pattern: string,
  mapper: FieldMapper,
): unknown => {
  if (value === null || value === undefined) return value;
  const node = schemaNode(schema);
  switch (node.kind) {
    case 'field':
      return mapper({ path, pattern, tag: node.tag, value });
    case 'untagged':
      return dropField;
    case 'object': {
      if (!isPlainObject(value)) return dropField;
      const result: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        const childSchema = Object.hasOwn(node.shape, key) ? node.shape[key] : undefined;
        if (childSchema === undefined) continue;
        const mapped = map(childSchema, child, [...path, key], joinPattern(pattern, key), mapper);
        if (mapped !== dropField) result[key] = mapped;
      }
      return result;
    }
    case 'array':
      if (!Array.isArray(value)) return dropField;
      return value
        .map((item, index) => map(node.element, item, [...path, index], `${pattern}[]`, mapper))
        .filter((item) => item !== dropField);
  }
};

/**
 * Rebuilds a value along a schema, failing closed: only what the schema declares and tags is
 * kept, each tagged field replaced by what `mapper` returns for it (or left out on
 * `dropField`). Keys not in the schema, untagged fields and parts whose structure is not the
 * schema's are left out. Null and absent values are kept as they are: they hold no data.
 * This is the core of the staging filter; `walkFields` reports what it would leave out.
 */
export const mapFields = (options: {
  readonly schema: z.core.$ZodType;
  readonly value: unknown;
  readonly mapper: FieldMapper;
}): unknown => {
  const mapped = map(options.schema, options.value, [], '', options.mapper);
  return mapped === dropField ? undefined : mapped;
};
