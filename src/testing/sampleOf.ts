import type { z } from 'zod';
import type { AnyContract } from '../contracts/index.ts';
import { ProjectionistError } from '../errors/index.ts';

type WithSamples = Pick<AnyContract, 'type' | 'versions' | 'latestVersion' | 'schema'>;

const firstSample = (contract: WithSamples, version: number): Record<string, unknown> => {
  const sample = contract.versions.find((v) => v.version === version)?.samples[0];
  if (sample === undefined)
    throw new ProjectionistError('PRJ_NOT_FOUND', `${contract.type} has no version ${version}`);
  return structuredClone(sample) as Record<string, unknown>;
};

/**
 * An example payload: a copy of the first golden sample of the contract's newest version, with
 * `changes` laid over its top-level fields. The sample is valid by its contract's own test, so
 * the payload is valid as long as the changes are.
 */
export const sampleOf = <C extends WithSamples>(
  contract: C,
  changes: Partial<z.input<C['schema']>> = {},
): z.input<C['schema']> =>
  ({ ...firstSample(contract, contract.latestVersion), ...changes }) as z.input<C['schema']>;

/** The same from an older version (as a sender still on it writes): its shape is not typed. */
export const sampleOfVersion = (
  contract: WithSamples,
  version: number,
  changes: Record<string, unknown> = {},
): Record<string, unknown> => ({ ...firstSample(contract, version), ...changes });
