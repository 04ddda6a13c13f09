import { isPiiTag } from '../contracts/index.ts';
import { cannotAnonymize, omitValue, type Anonymize } from './Anonymize.ts';
import type { AnonymizerFor } from './createAnonymizers.ts';
import type { ResolvedPolicy } from './resolvePolicy.ts';
import type { MetadataRule } from './StagingPolicy.ts';
import { stagingRefused } from './stagingRefused.ts';
import { isStrategy } from './strategies.ts';

/**
 * Anonymizes an envelope's metadata: answers the allow-listed keys, each through its strategy,
 * or undefined when none remains. Calls `stripped` once per key it leaves out, naming it as the
 * summary may: `metadata.<key>` for an allow-listed key whose value its strategy cannot change,
 * `metadata.*` for any other key, which is never named since a key found in the data may be data.
 */
export type MetadataPlan = (
  metadata: Readonly<Record<string, unknown>>,
  stripped: (key: string) => void,
) => Record<string, unknown> | undefined;

/**
 * Compiles the metadata allow-list. Throws PRJ_STAGING_REFUSED for a rule with an unknown tag
 * or strategy, or a strategy that does not apply to its tag.
 */
export const compileMetadataPlan = (options: {
  readonly rules: Readonly<Record<string, MetadataRule>>;
  readonly policy: ResolvedPolicy;
  readonly anonymizerFor: AnonymizerFor;
}): MetadataPlan => {
  const { rules, policy, anonymizerFor } = options;
  const allowed: (readonly [string, Anonymize])[] = Object.entries(rules).map(([key, rule]) => {
    // '__proto__' would set the prototype of the output object instead of a key.
    if (key === '' || key === '__proto__') throw stagingRefused(`metadata: "${key}" cannot be allow-listed`);
    const { tag, strategy = isPiiTag(tag) ? policy.ofTag(tag) : undefined } = rule;
    if (!isPiiTag(tag)) throw stagingRefused(`metadata.${key}: ${JSON.stringify(tag)} is not a PII tag`);
    if (!isStrategy(strategy)) {
      throw stagingRefused(`metadata.${key}: ${JSON.stringify(strategy)} is not a strategy`);
    }
    const anonymize = anonymizerFor(strategy, tag, key);
    if (anonymize === undefined)
      throw stagingRefused(`metadata.${key}: ${strategy} does not apply to ${tag}`);
    return [key, anonymize] as const;
  });
  const names = new Set(allowed.map(([key]) => key));
  const unanonymizable = new Map(allowed.map(([key]) => [key, `metadata.${key}`]));

  const strays = 'metadata.*';

  return (metadata, stripped) => {
    let out: Record<string, unknown> | undefined;
    let present = 0;
    for (const [key, anonymize] of allowed) {
      if (!Object.hasOwn(metadata, key)) continue;
      present += 1;
      const value = metadata[key];
      const mapped = value === null || value === undefined ? value : anonymize(value);
      // Metadata is no contract's: a value a strategy cannot change costs the key, not the event.
      if (mapped === cannotAnonymize) stripped(unanonymizable.get(key) ?? strays);
      else if (mapped !== omitValue) (out ??= {})[key] = mapped;
    }
    if (present !== Object.keys(metadata).length) {
      for (const key of Object.keys(metadata)) if (!names.has(key)) stripped(strays);
    }
    return out;
  };
};
