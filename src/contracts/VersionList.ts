import type { z } from 'zod';
import type { UntaggedPaths } from './UntaggedPaths.ts';

/** The schemas of a contract's versions, oldest first. */
export type SchemaList = readonly [z.ZodObject, ...z.ZodObject[]];

// A tuple of length N; empty for `number` and `never`, which the checker meets on generic keys.
type TupleOf<N extends number, Acc extends unknown[] = []> = [N] extends [never]
  ? []
  : number extends N
    ? []
    : Acc['length'] extends N
      ? Acc
      : TupleOf<N, [...Acc, unknown]>;
type IndexOf<K> = K extends `${infer N extends number}` ? N : never;
type VersionAt<K> = [...TupleOf<IndexOf<K>>, unknown]['length'];
type PreviousOf<S extends SchemaList, K> =
  TupleOf<IndexOf<K>> extends [unknown, ...infer Rest] ? S[Rest['length']] : never;

type Samples<S extends z.ZodObject> = readonly [z.input<S>, ...z.input<S>[]];

type FirstVersion<S extends z.ZodObject> = {
  readonly version: 1;
  readonly schema: S;
  readonly samples: Samples<S>;
  readonly upcast?: undefined;
};

type LaterVersion<S extends z.ZodObject, Previous extends z.ZodObject, V> = {
  readonly version: V;
  readonly schema: S;
  readonly samples: Samples<S>;
  readonly upcast: (previous: z.output<Previous>) => z.input<S>;
};

/**
 * How a contract's versions are written: version numbers 1, 2, 3 in order, golden samples
 * typed by their own version, and each upcaster typed from the previous version's data to its
 * own version's.
 */
export type VersionList<S extends SchemaList> = {
  readonly [K in keyof S]: K extends '0'
    ? FirstVersion<S[K]>
    : LaterVersion<S[K], Extract<PreviousOf<S, K>, z.ZodObject>, VersionAt<K>>;
};

export type LatestOf<S extends SchemaList> = S extends readonly [...unknown[], infer L extends z.ZodObject]
  ? L
  : never;

type UntaggedInVersions<S extends readonly unknown[], Seen extends unknown[] = []> = S extends readonly [
  infer Head,
  ...infer Tail,
]
  ? `v${[...Seen, unknown]['length']} ${UntaggedPaths<Head>}` | UntaggedInVersions<Tail, [...Seen, unknown]>
  : never;

/**
 * Adds a required, impossible property to a definition whose schemas have untagged fields, so
 * the compiler names them: "Property 'fields lacking a PII tag' is missing ... 'v1 address.city'".
 */
export type EveryFieldTagged<S extends SchemaList> = [UntaggedInVersions<S>] extends [never]
  ? unknown
  : { readonly 'fields lacking a PII tag': UntaggedInVersions<S> };
