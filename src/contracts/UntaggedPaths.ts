import type { z } from 'zod';
import type { Tagged } from './tagField.ts';

type Join<P extends string, K extends string> = P extends '' ? K : `${P}.${K}`;

/**
 * The compile-time twin of `listFields`: the paths ('address.city', 'lines[].sku') of every
 * field in schema S that carries no PII tag. `never` when every field is tagged.
 */
export type UntaggedPaths<S, P extends string = ''> = S extends Tagged
  ? never
  : S extends
        | z.ZodOptional<infer Inner>
        | z.ZodNullable<infer Inner>
        | z.ZodDefault<infer Inner>
        | z.ZodPrefault<infer Inner>
        | z.ZodReadonly<infer Inner>
        | z.ZodCatch<infer Inner>
        | z.ZodNonOptional<infer Inner>
    ? UntaggedPaths<Inner, P>
    : S extends z.ZodObject<infer Shape, z.core.$ZodObjectConfig>
      ? { [K in keyof Shape & string]: UntaggedPaths<Shape[K], Join<P, K>> }[keyof Shape & string]
      : S extends z.ZodArray<infer Element>
        ? UntaggedPaths<Element, `${P}[]`>
        : P;
