import type { z } from 'zod';
import { listFields, schemaNode, type PiiTag } from '../contracts/index.ts';
import type { Strategy } from './strategies.ts';

/**
 * How much of an anonymized value must be checked again against its schema:
 * - `none`: every field is kept as it is, so it parses because the input did;
 * - `leaves`: each changed field against its own schema suffices, since no object or array
 *   carries a check that spans fields (a refinement, a minimum length);
 * - `whole`: the whole value, against the whole schema.
 */
export type OutputCheck = 'none' | 'leaves' | 'whole';

/** True if this schema or a wrapper on the way to what it wraps carries checks of its own. */
const hasChecks = (schema: z.core.$ZodType): boolean => {
  let current: z.core.$ZodType | undefined = schema;
  while (current !== undefined) {
    if ((current._zod.def.checks?.length ?? 0) > 0) return true;
    current = (current._zod.def as { readonly innerType?: z.core.$ZodType }).innerType;
  }
  return false;
};

/** True if an object or array anywhere in the schema checks more than one field at once. */
const hasCrossFieldChecks = (schema: z.core.$ZodType): boolean => {
  const node = schemaNode(schema);
  switch (node.kind) {
    case 'field':
    case 'untagged':
      return false;
    case 'object':
      return hasChecks(schema) || Object.values(node.shape).some(hasCrossFieldChecks);
    case 'array':
      return hasChecks(schema) || hasCrossFieldChecks(node.element);
  }
};

/**
 * Decides, once per version, the cheapest output check that is still exact: checking a whole
 * schema again costs as much as the input check, and most events change a few fields or none.
 */
export const outputCheckOf = (options: {
  readonly schema: z.core.$ZodType;
  readonly strategyOf: (pattern: string, tag: PiiTag) => Strategy;
}): OutputCheck => {
  const { schema, strategyOf } = options;
  const changes = listFields(schema).some(
    (field) => field.tag === undefined || strategyOf(field.path, field.tag) !== 'keep',
  );
  if (!changes) return 'none';
  return hasCrossFieldChecks(schema) ? 'whole' : 'leaves';
};
