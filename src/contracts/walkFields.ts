import type { z } from 'zod';
import type { PiiTag } from './piiTag.ts';
import { isPlainObject } from './isPlainObject.ts';
import { joinPattern } from './joinPattern.ts';
import { schemaNode } from './schemaNode.ts';

export type FieldPath = readonly (string | number)[];

/**
 * One thing found while walking a value along a schema:
 * - `field`: a tagged field; `path` is where it is in this value (['lines', 0, 'sku']),
 *   `pattern` where it is in the schema ('lines[].sku').
 * - `stray`: something staging must not pass: a key the schema does not declare
 *   ('not-in-contract'), a field without a tag ('untagged'), or a value whose structure is not
 *   the schema's, such as a string where an object should be ('mismatch').
 */
export type FieldVisit =
  | {
      readonly kind: 'field';
      readonly path: FieldPath;
      readonly pattern: string;
      readonly tag: PiiTag;
      readonly value: unknown;
    }
  | {
      readonly kind: 'stray';
      readonly path: FieldPath;
      readonly reason: 'not-in-contract' | 'untagged' | 'mismatch';
    };

function* walk(
  schema: z.core.$ZodType,
  value: unknown,
  path: FieldPath,
  pattern: string,
): Generator<FieldVisit, void, undefined> {
  if (value === null || value === undefined) return;
  const node = schemaNode(schema);
  switch (node.kind) {
    case 'field':
      yield { kind: 'field', path, pattern, tag: node.tag, value };
      return;
    case 'untagged':
      yield { kind: 'stray', path, reason: 'untagged' };
      return;
    case 'object':
      if (!isPlainObject(value)) {
        yield { kind: 'stray', path, reason: 'mismatch' };
        return;
      }
      for (const [key, child] of Object.entries(value)) {
        const childSchema = Object.hasOwn(node.shape, key) ? node.shape[key] : undefined;
        if (childSchema === undefined)
          yield { kind: 'stray', path: [...path, key], reason: 'not-in-contract' };
        else yield* walk(childSchema, child, [...path, key], joinPattern(pattern, key));
      }
      return;
    case 'array':
      if (!Array.isArray(value)) {
        yield { kind: 'stray', path, reason: 'mismatch' };
        return;
      }
      for (const [index, item] of value.entries()) {
        yield* walk(node.element, item, [...path, index], `${pattern}[]`);
      }
      return;
  }
}

/**
 * Walks a value (a message's data) along the schema of the version it was written in, and
 * yields each tagged field present in it with its tag, and each stray part. Null and absent
 * values hold no data and are not yielded.
 */
export const walkFields = (options: {
  readonly schema: z.core.$ZodType;
  readonly value: unknown;
}): Generator<FieldVisit, void, undefined> => walk(options.schema, options.value, [], '');
