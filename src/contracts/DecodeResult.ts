import type { z } from 'zod';

/**
 * What reading one message's data gives. Only `invalid` is the message's fault and may be
 * dead-lettered; `too-new` means the running code is older than the writer, so the reader must
 * pause and retry (a newer worker will take it); `unknown-type` is for the caller's policy.
 */
export type DecodeResult =
  | {
      readonly status: 'ok';
      /** The data in the newest version's shape. */
      readonly value: unknown;
      /** The version the data was written in. */
      readonly fromVersion: number;
    }
  | { readonly status: 'too-new'; readonly version: number; readonly known: number }
  | { readonly status: 'unknown-type' }
  | {
      readonly status: 'invalid';
      readonly issues: readonly z.core.$ZodIssue[];
      /** The version whose schema (or upcaster) refused the data. */
      readonly atVersion: number;
    };

export type VersionDecodeResult = Exclude<DecodeResult, { status: 'unknown-type' }>;

/** One line per issue, for error messages: "address.city: Invalid input". */
export const describeIssues = (issues: readonly z.core.$ZodIssue[]): string =>
  issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`).join('; ');
