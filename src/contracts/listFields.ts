import type { z } from 'zod';
import type { PiiTag } from './piiTag.ts';
import { joinPattern } from './joinPattern.ts';
import { schemaNode } from './schemaNode.ts';

/** One field a schema declares: its path pattern ('lines[].sku') and its tag, if it has one. */
export type FieldSpec = { readonly path: string; readonly tag: PiiTag | undefined };

const list = (schema: z.core.$ZodType, pattern: string): FieldSpec[] => {
  const node = schemaNode(schema);
  switch (node.kind) {
    case 'field':
      return [{ path: pattern, tag: node.tag }];
    case 'object':
      return Object.entries(node.shape).flatMap(([key, child]) => list(child, joinPattern(pattern, key)));
    case 'array':
      return list(node.element, `${pattern}[]`);
    case 'untagged':
      return [{ path: pattern, tag: undefined }];
  }
};

/**
 * Every field a schema declares, depth first in declaration order. Objects and arrays whose
 * parts are tagged are not fields themselves; their parts are. An array's elements share the
 * path `items[]`.
 */
export const listFields = (schema: z.core.$ZodType): FieldSpec[] => list(schema, '');
