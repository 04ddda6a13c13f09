import type { z } from 'zod';
import type { Contract } from './Contract.ts';
import type { VersionDecodeResult } from './DecodeResult.ts';
import { schemaFingerprint } from './schemaFingerprint.ts';

const invalid = (atVersion: number, message: string): VersionDecodeResult => ({
  status: 'invalid',
  atVersion,
  issues: [{ code: 'custom', path: [], message, input: undefined } satisfies z.core.$ZodIssue],
});

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Reads data written in `version` of a contract: validates it against that version's schema,
 * then upcasts it one version at a time, validating each step, up to the newest shape.
 * Never throws: an upcaster that throws makes the data invalid at the version it was producing.
 */
export const decodeVersion = (options: {
  readonly contract: Contract;
  readonly version: number;
  readonly data: unknown;
  /**
   * The record's `pj-schema` header: data of the newest version whose writer validated it
   * against this very schema (schemaFingerprint) is read as it is, without validating it again.
   */
  readonly schema?: string | undefined;
}): VersionDecodeResult => {
  const { contract, version, data } = options;
  if (!Number.isInteger(version) || version < 1) {
    return invalid(version, `${contract.type} has no version ${version}; versions start at 1`);
  }
  const written = contract.versions[version - 1];
  if (written === undefined) return { status: 'too-new', version, known: contract.latestVersion };
  if (
    options.schema !== undefined &&
    version === contract.latestVersion &&
    options.schema === schemaFingerprint(contract)
  )
    return { status: 'ok', value: data, fromVersion: version };

  const parsed = written.schema.safeParse(data);
  if (!parsed.success) return { status: 'invalid', atVersion: version, issues: parsed.error.issues };
  let value: unknown = parsed.data;

  for (const next of contract.versions.slice(version)) {
    let upcast: unknown;
    try {
      upcast = next.upcast?.(value);
    } catch (error) {
      return invalid(
        next.version,
        `upcasting ${contract.type} to v${next.version} failed: ${describe(error)}`,
      );
    }
    const step = next.schema.safeParse(upcast);
    if (!step.success) return { status: 'invalid', atVersion: next.version, issues: step.error.issues };
    value = step.data;
  }
  return { status: 'ok', value, fromVersion: version };
};
