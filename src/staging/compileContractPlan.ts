import type { z } from 'zod';
import type { AnyContract, PiiTag } from '../contracts/index.ts';
import { cannotAnonymize, omitValue, type Anonymize } from './Anonymize.ts';
import { compileFieldPlan, type FieldPlan, type LeafFor } from './compileFieldPlan.ts';
import { outputCheckOf, type OutputCheck } from './outputCheckOf.ts';
import type { AnonymizerFor } from './createAnonymizers.ts';
import type { ResolvedPolicy } from './resolvePolicy.ts';
import { stagingRefused } from './stagingRefused.ts';
import { strategies, type Strategy } from './strategies.ts';

/** What anonymizing one version's data gives. */
export type DataOutcome =
  | { readonly status: 'ok'; readonly data: unknown }
  | { readonly status: 'invalid' }
  | { readonly status: 'unanonymizable'; readonly issues: readonly z.core.$ZodIssue[] };

export type VersionPlan = {
  /** Validates data written in this version, anonymizes it, and checks that the result still parses. */
  run(data: unknown, stripped: string[]): DataOutcome;
};

/** Everything the filter needs for one message type, worked out at start. */
export type ContractPlan = {
  readonly type: string;
  readonly latestVersion: number;
  /** Index 0 is version 1. */
  readonly versions: readonly VersionPlan[];
  readonly streamId: Anonymize;
};

// A stream id must stay one stream: redacting, generalizing or dropping would merge or lose streams.
const streamIdStrategies: readonly Strategy[] = ['keep', 'pseudonymize', 'fake'];

const compileVersion = (schema: z.ZodObject, data: FieldPlan, check: OutputCheck): VersionPlan => ({
  run: (value, stripped) => {
    // The written version's own schema: a value it refuses is never copied, whatever it holds.
    if (!schema.safeParse(value).success) return { status: 'invalid' };
    const out = data(value, stripped);
    if (out === cannotAnonymize || out === omitValue) return { status: 'unanonymizable', issues: [] };
    if (check !== 'whole') return { status: 'ok', data: out };
    const parsed = schema.safeParse(out);
    return parsed.success
      ? { status: 'ok', data: out }
      : { status: 'unanonymizable', issues: parsed.error.issues };
  },
});

/**
 * What is wrong with a golden sample once anonymized, or undefined if nothing is: the output
 * is checked whole, whatever the plan checks per event. A failure is explained by a plan that
 * checks nothing itself, whose output the whole schema then judges field by field.
 */
const sampleProblem = (
  schema: z.ZodObject,
  plan: VersionPlan,
  explain: () => VersionPlan,
  sample: unknown,
): string | undefined => {
  const outcome = plan.run(sample, []);
  if (outcome.status === 'ok' && schema.safeParse(outcome.data).success) return undefined;
  const explained = explain().run(sample, []);
  const issues = explained.status === 'unanonymizable' ? explained.issues : [];
  // Paths and issue codes only: the message of a custom check might quote the value.
  return issues.length === 0
    ? 'a value is not of a kind its strategy can change'
    : issues.map((issue) => `${issue.path.join('.') || '(root)'} (${issue.code})`).join('; ');
};

/**
 * Compiles the plan of one contract: per version, the anonymizer of every field, as the policy
 * says; and the stream id's, as its `streamId` tag says. Then runs every golden sample through
 * its version's plan. Throws PRJ_STAGING_REFUSED, naming the field, where a strategy does not
 * apply to a tag or its output would not parse against the field's schema: a policy that cannot
 * keep the contracts is a setup error, better found at start than as events dropped by the million.
 */
export const compileContractPlan = (options: {
  readonly contract: AnyContract;
  readonly policy: ResolvedPolicy;
  readonly anonymizerFor: AnonymizerFor;
}): ContractPlan => {
  const { contract, policy, anonymizerFor } = options;
  const { type } = contract;
  const usable = (tag: PiiTag): string =>
    strategies.filter((strategy) => anonymizerFor(strategy, tag, '') !== undefined).join(', ');

  const versions = contract.versions.map(({ version, schema, samples }) => {
    const leafFor: LeafFor = ({ pattern, tag, key }) => {
      const strategy = policy.ofField(type, pattern, tag);
      const anonymize = anonymizerFor(strategy, tag, key);
      if (anonymize !== undefined) return anonymize;
      throw stagingRefused(
        `${type} v${version} ${pattern}: ${strategy} does not apply to ${tag} fields; use one of ${usable(tag)}`,
      );
    };
    const check = outputCheckOf({ schema, strategyOf: (pattern, tag) => policy.ofField(type, pattern, tag) });
    const plan = compileVersion(
      schema,
      compileFieldPlan({ schema, leafFor, checkLeaves: check === 'leaves' }),
      check,
    );
    const explain = () =>
      compileVersion(schema, compileFieldPlan({ schema, leafFor, checkLeaves: false }), 'whole');
    samples.forEach((sample, index) => {
      const problem = sampleProblem(schema, plan, explain, sample);
      if (problem === undefined) return;
      throw stagingRefused(
        `${type} v${version} sample ${index + 1} does not parse once anonymized: ${problem}; choose other strategies for its fields`,
      );
    });
    return plan;
  });

  const streamStrategy = policy.ofTag(contract.streamId);
  const streamId = anonymizerFor(streamStrategy, contract.streamId, 'streamId');
  if (!streamIdStrategies.includes(streamStrategy) || streamId === undefined) {
    throw stagingRefused(
      `${type}: its stream ids are tagged ${contract.streamId}, whose strategy ${streamStrategy} would merge or lose streams; use one of ${streamIdStrategies.filter((s) => anonymizerFor(s, contract.streamId, '') !== undefined).join(', ')}`,
    );
  }
  return { type, latestVersion: contract.latestVersion, versions, streamId };
};
