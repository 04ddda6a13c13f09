import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Contract } from './Contract.ts';
import type { VersionDecodeResult } from './DecodeResult.ts';

const fingerprints = new WeakMap<Contract, string | null>();

/**
 * A short digest of a contract's newest version: its type, version number and schema as JSON
 * Schema (shape, types, formats, bounds, patterns, PII tags). A writer that validated an event's
 * data against that schema puts it in the record's `pj-schema` header; a reader whose newest
 * version has the same digest reads that data without validating it again (checkedNewest).
 * JSON Schema does not carry the code of a refinement or a transform: a version's schema is
 * frozen once written (add a version to change it), so only such a change would go unseen.
 * undefined for a schema zod cannot describe: its events are always validated when read.
 */
export const schemaFingerprint = (contract: Contract): string | undefined => {
  let known = fingerprints.get(contract);
  if (known === undefined) {
    try {
      const schema = z.toJSONSchema(contract.schema, { unrepresentable: 'any', io: 'output' });
      const text = JSON.stringify({ type: contract.type, version: contract.latestVersion, schema });
      known = createHash('sha256').update(text).digest('base64url').slice(0, 22);
    } catch {
      known = null;
    }
    fingerprints.set(contract, known);
  }
  return known ?? undefined;
};

/** Data checked against a contract's newest version, as a writer appends it. */
export type CheckedData =
  | {
      readonly status: 'ok';
      /**
       * schemaFingerprint of the contract, for the record's `pj-schema` header; undefined when
       * the schema would read the data as something else (a default filled in, a transform, keys
       * it strips), so that a reader must still run it.
       */
      readonly schema: string | undefined;
    }
  | Extract<VersionDecodeResult, { status: 'invalid' }>;

/**
 * Validates data a writer is about to append at the contract's newest version, as a reader will
 * see it: after the JSON round trip of the record. The data may skip validation on read (its
 * fingerprint is given) only when the schema's output is that very data.
 */
export const checkNewest = (contract: Contract, data: unknown): CheckedData => {
  const text = JSON.stringify(data);
  const wire: unknown = text === undefined ? undefined : JSON.parse(text);
  const parsed = contract.schema.safeParse(wire);
  if (!parsed.success)
    return { status: 'invalid', issues: parsed.error.issues, atVersion: contract.latestVersion };
  return { status: 'ok', schema: sameJson(parsed.data, wire) ? schemaFingerprint(contract) : undefined };
};

/** Deep equality of two JSON values (key order aside). */
export const sameJson = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => sameJson(v, b[i]));
  }
  if (
    Array.isArray(b) ||
    Object.getPrototypeOf(a) !== Object.prototype ||
    Object.getPrototypeOf(b) !== Object.prototype
  )
    return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  return keys.every((k) => Object.hasOwn(y, k) && sameJson(x[k], y[k]));
};
