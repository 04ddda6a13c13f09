import { z } from 'zod';
import { schemaNode, type PiiTag } from '../contracts/index.ts';
import { cannotAnonymize, omitValue, type Anonymize } from './Anonymize.ts';

/**
 * Rebuilds one value along a schema compiled in advance. Answers the anonymized value,
 * `omitValue` or `cannotAnonymize`, and pushes onto `stripped` the contract path of every part
 * it leaves out: a declared field the schema does not tag by its own path, a key the schema
 * does not declare as `*` under the path of its object (`*`, `address.*`, `lines[].*`). Never
 * the key itself: a key found in the data may be data (a customer id, an email).
 */
export type FieldPlan = (value: unknown, stripped: string[]) => unknown;

/** What a leaf becomes under its strategy; throws when the strategy does not fit the field. */
export type LeafFor = (field: { pattern: string; tag: PiiTag; key: string }) => Anonymize;

const join = (pattern: string, key: string): string => (pattern === '' ? key : `${pattern}.${key}`);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

type Context = { readonly leafFor: LeafFor; readonly checkLeaves: boolean };

const accepts = (schema: z.core.$ZodType, value: unknown): boolean => z.safeParse(schema, value).success;

const compileLeaf = (schema: z.core.$ZodType, anonymize: Anonymize, checkLeaves: boolean): FieldPlan => {
  // A dropped field is left out where the schema allows it to be absent, else null where it
  // allows that; else it cannot be dropped, and the output check drops the event instead.
  const dropped = accepts(schema, undefined) ? omitValue : accepts(schema, null) ? null : omitValue;
  const droppedFits = dropped === null || accepts(schema, undefined);
  return (value) => {
    // Null and absent hold no data and may be what the schema requires.
    if (value === null || value === undefined) return value;
    const out = anonymize(value);
    if (out === omitValue) return checkLeaves && !droppedFits ? cannotAnonymize : dropped;
    // A value kept as it is passed the input check already.
    if (checkLeaves && out !== value && out !== cannotAnonymize && !accepts(schema, out))
      return cannotAnonymize;
    return out;
  };
};

const compileObject = (
  shape: Readonly<Record<string, z.core.$ZodType>>,
  pattern: string,
  context: Context,
) => {
  const fields = Object.entries(shape).map(
    ([key, schema]) => [key, compile(schema, join(pattern, key), key, context)] as const,
  );
  const declared = new Set(Object.keys(shape));
  const strays = join(pattern, '*');
  const plan: FieldPlan = (value, stripped) => {
    if (value === null || value === undefined) return value;
    if (!isPlainObject(value)) return cannotAnonymize;
    const out: Record<string, unknown> = {};
    let present = 0;
    for (const [key, field] of fields) {
      if (!Object.hasOwn(value, key)) continue;
      present += 1;
      const mapped = field(value[key], stripped);
      if (mapped === cannotAnonymize) return cannotAnonymize;
      if (mapped !== omitValue) out[key] = mapped;
    }
    // Counting first spares the common case, where every key is declared, a second pass.
    if (present !== Object.keys(value).length) {
      for (const key of Object.keys(value)) if (!declared.has(key)) stripped.push(strays);
    }
    return out;
  };
  return plan;
};

const compileArray =
  (element: FieldPlan): FieldPlan =>
  (value, stripped) => {
    if (value === null || value === undefined) return value;
    if (!Array.isArray(value)) return cannotAnonymize;
    const out: unknown[] = [];
    for (const item of value) {
      const mapped = element(item, stripped);
      if (mapped === cannotAnonymize) return cannotAnonymize;
      if (mapped !== omitValue) out.push(mapped);
    }
    return out;
  };

function compile(schema: z.core.$ZodType, pattern: string, key: string, context: Context): FieldPlan {
  const node = schemaNode(schema);
  switch (node.kind) {
    case 'field':
      return compileLeaf(schema, context.leafFor({ pattern, tag: node.tag, key }), context.checkLeaves);
    case 'object':
      return compileObject(node.shape, pattern, context);
    case 'array':
      return compileArray(compile(node.element, `${pattern}[]`, key, context));
    case 'untagged': {
      const omitted = context.checkLeaves && !accepts(schema, undefined) ? cannotAnonymize : omitValue;
      return (value, stripped) => {
        if (value === null || value === undefined) return value;
        stripped.push(pattern);
        return omitted;
      };
    }
  }
}

/**
 * Compiles a schema into the function that anonymizes values of it, so that the schema is
 * walked once per version at start and never per event. Fails closed like `mapFields`: only
 * declared, tagged fields come out, each through the anonymizer `leafFor` chose for it. With
 * `checkLeaves`, every changed or left-out field is checked against its own schema and the
 * value refused if it no longer fits (see `outputCheckOf` for when that is enough).
 */
export const compileFieldPlan = (options: {
  readonly schema: z.core.$ZodType;
  readonly leafFor: LeafFor;
  readonly checkLeaves: boolean;
}): FieldPlan => compile(options.schema, '', '', options);
