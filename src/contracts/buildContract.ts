import { ProjectionistError } from '../errors/index.ts';
import { z } from 'zod';
import type { Contract, ContractKind, ContractVersion } from './Contract.ts';
import { describeIssues } from './DecodeResult.ts';
import { decodeVersion } from './decodeVersion.ts';
import { isPiiTag, type PiiTag } from './piiTag.ts';

const typeName = /^[A-Za-z][\w.]*$/;

const checkVersion = (type: string, entry: ContractVersion, index: number): void => {
  const expected = index + 1;
  if (entry.version !== expected) {
    throw new ProjectionistError(
      'PRJ_CONTRACT_INVALID',
      `${type}: versions must be 1, 2, 3, ... in order without gaps; entry ${expected} is version ${String(entry.version)}`,
    );
  }
  if (!(entry.schema instanceof z.core.$ZodObject)) {
    throw new ProjectionistError(
      'PRJ_CONTRACT_INVALID',
      `${type} v${expected}: the schema must be a z.object(...)`,
    );
  }
  if (expected === 1 && entry.upcast !== undefined) {
    throw new ProjectionistError(
      'PRJ_CONTRACT_INVALID',
      `${type} v1: the first version has nothing to upcast from; remove its upcast`,
    );
  }
  if (expected > 1 && typeof entry.upcast !== 'function') {
    throw new ProjectionistError(
      'PRJ_CONTRACT_INVALID',
      `${type} v${expected}: an upcast from v${expected - 1} is missing`,
    );
  }
  if (!Array.isArray(entry.samples) || entry.samples.length === 0) {
    throw new ProjectionistError(
      'PRJ_CONTRACT_INVALID',
      `${type} v${expected}: at least one golden sample is required`,
    );
  }
};

const checkSamples = (contract: Contract): void => {
  for (const { version, samples } of contract.versions) {
    samples.forEach((data, index) => {
      const result = decodeVersion({ contract, version, data });
      if (result.status === 'ok') return;
      const sample = `${contract.type} v${version} sample ${index + 1}`;
      if (result.status === 'too-new')
        throw new ProjectionistError('PRJ_CONTRACT_INVALID', `${sample}: version is out of range`);
      const problem = describeIssues(result.issues);
      throw new ProjectionistError(
        'PRJ_CONTRACT_INVALID',
        result.atVersion === version
          ? `${sample} does not match its own schema: ${problem}`
          : `${sample} does not survive upcasting; v${result.atVersion} refuses it: ${problem}`,
      );
    });
  }
};

/**
 * Checks a contract definition and freezes it. Throws on a contract that is malformed in
 * itself (a bad type name or stream id tag, a gap in versions, a missing upcaster, a golden
 * sample that does not parse or does not upcast to the newest shape), so a broken
 * definitions folder stops the start instead of mis-reading the log.
 */
export const buildContract = <K extends ContractKind>(definition: {
  readonly kind: K;
  readonly type: string;
  readonly streamId: PiiTag;
  readonly versions: readonly ContractVersion[];
}): Contract<K> => {
  const { kind, type, streamId, versions } = definition;
  if (typeof type !== 'string' || !typeName.test(type)) {
    throw new ProjectionistError(
      'PRJ_CONTRACT_INVALID',
      `The type of ${kind === 'event' ? 'an event' : 'a command'} must be a name like "OrderPlaced"; got ${JSON.stringify(type)}`,
    );
  }
  if (!isPiiTag(streamId)) {
    throw new ProjectionistError(
      'PRJ_CONTRACT_INVALID',
      `${type}: streamId must be a PII tag; got ${JSON.stringify(streamId)}`,
    );
  }
  if (versions.length === 0) {
    throw new ProjectionistError('PRJ_CONTRACT_INVALID', `${type}: at least one version is required`);
  }
  versions.forEach((entry, index) => checkVersion(type, entry, index));
  const latest = versions[versions.length - 1] as ContractVersion;
  const contract: Contract<K> = Object.freeze({
    kind,
    type,
    streamId,
    versions: Object.freeze(versions.map((entry) => Object.freeze({ ...entry }))),
    latestVersion: latest.version,
    schema: latest.schema,
  });
  checkSamples(contract);
  return contract;
};
