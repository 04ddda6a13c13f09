import { isPiiTag, listFields, type AnyContract, type PiiTag } from '../contracts/index.ts';
import { defaultPolicy } from './defaultPolicy.ts';
import type { StagingPolicy } from './StagingPolicy.ts';
import { stagingRefused } from './stagingRefused.ts';
import { isStrategy, strategies, type Strategy } from './strategies.ts';

export type ResolvedPolicy = {
  /** The strategy of a tag, from the policy or the default. */
  ofTag(tag: PiiTag): Strategy;
  /** The strategy of one field of a type: its own entry, else its tag's. */
  ofField(type: string, pattern: string, tag: PiiTag): Strategy;
};

const checkStrategy = (where: string, value: unknown): Strategy => {
  if (isStrategy(value)) return value;
  throw stagingRefused(
    `${where}: ${JSON.stringify(value)} is not a strategy; use one of ${strategies.join(', ')}`,
  );
};

/**
 * Checks a policy against the contracts once, at start, and answers strategies from it. Throws
 * PRJ_STAGING_REFUSED for an unknown tag or strategy, and for a field entry that names a type or
 * field no contract has: a typo there would otherwise leave a field to a weaker rule unnoticed.
 */
export const resolvePolicy = (options: {
  readonly contracts: readonly AnyContract[];
  readonly policy: StagingPolicy;
}): ResolvedPolicy => {
  const { contracts, policy } = options;
  const tags = new Map<PiiTag, Strategy>();
  for (const [tag, strategy] of Object.entries(policy.tags ?? {})) {
    if (!isPiiTag(tag)) throw stagingRefused(`policy.tags: "${tag}" is not a PII tag`);
    tags.set(tag, checkStrategy(`policy.tags.${tag}`, strategy));
  }

  const fields = new Map<string, ReadonlyMap<string, Strategy>>();
  for (const [type, entries] of Object.entries(policy.fields ?? {})) {
    const contract = contracts.find((candidate) => candidate.type === type);
    if (contract === undefined) throw stagingRefused(`policy.fields names ${type}, which has no contract`);
    const declared = new Set(
      contract.versions.flatMap(({ schema }) => listFields(schema).map((f) => f.path)),
    );
    const byPattern = new Map<string, Strategy>();
    for (const [pattern, strategy] of Object.entries(entries)) {
      if (!declared.has(pattern)) {
        throw stagingRefused(
          `policy.fields.${type} names "${pattern}", which no version of ${type} declares`,
        );
      }
      byPattern.set(pattern, checkStrategy(`policy.fields.${type}.${pattern}`, strategy));
    }
    fields.set(type, byPattern);
  }

  const ofTag = (tag: PiiTag): Strategy => tags.get(tag) ?? defaultPolicy[tag];
  return {
    ofTag,
    ofField: (type, pattern, tag) => fields.get(type)?.get(pattern) ?? ofTag(tag),
  };
};
