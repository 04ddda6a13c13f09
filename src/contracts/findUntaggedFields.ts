import type { Contract } from './Contract.ts';
import { listFields } from './listFields.ts';

export type UntaggedField = { readonly version: number; readonly path: string };

/**
 * Every field, in every version of a contract, that carries no PII tag. Staging strips such
 * fields; a test keeps this list empty for every contract in events/.
 */
export const findUntaggedFields = (contract: Contract): UntaggedField[] =>
  contract.versions.flatMap(({ version, schema }) =>
    listFields(schema)
      .filter((field) => field.tag === undefined)
      .map((field) => ({ version, path: field.path })),
  );
