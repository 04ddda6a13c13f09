import type { ContractRegistry } from '../contracts/index.ts';
import type { Envelope } from '../log/index.ts';
import { checkStagingKey } from './checkStagingKey.ts';
import { compileContractPlan, type ContractPlan } from './compileContractPlan.ts';
import { compileMetadataPlan } from './compileMetadataPlan.ts';
import { createAnonymizers } from './createAnonymizers.ts';
import { createKeyedMac } from './createKeyedMac.ts';
import { bump, createTally, type TypeTally } from './createTally.ts';
import { isEnvelopeShape } from './isEnvelopeShape.ts';
import { isRandomUuid } from './isRandomUuid.ts';
import { resolvePolicy } from './resolvePolicy.ts';
import type { StagingFilter, StagingVerdict } from './StagingFilter.ts';
import type { MetadataRule, StagingPolicy } from './StagingPolicy.ts';
import type { DropReason } from './StagingSummary.ts';

export type StagingFilterOptions = {
  readonly registry: ContractRegistry;
  /** PROJECTIONIST_STAGING_KEY: at least 32 characters; undefined throws PRJ_STAGING_KEY_MISSING. */
  readonly key: string | undefined;
  /** Overrides of `defaultPolicy`, per tag and per field. */
  readonly policy?: StagingPolicy;
  /** Metadata keys that may pass, each with its tag and strategy. Default: none, all metadata is stripped. */
  readonly metadata?: Readonly<Record<string, MetadataRule>>;
};

/**
 * Builds the filter that makes log events fit for staging, failing closed: an event of an
 * unknown type, of a version newer than the contracts, or whose data its version's schema
 * refuses is dropped and counted; a field the contract does not declare and metadata not
 * allow-listed are stripped and counted; every personal field and personal stream id is
 * anonymized by the policy; event, causation and correlation ids are kept when they are random
 * UUIDs and pseudonymized otherwise. All schema walking happens here, once per version, so
 * filtering an event costs one schema check of its data, the anonymizers of its personal
 * fields (cached), and a check of what they changed: per field, or whole where the schema
 * checks across fields (see `outputCheckOf`).
 *
 * Throws PRJ_STAGING_KEY_MISSING without a usable key, PRJ_STAGING_REFUSED for a policy that
 * does not fit the contracts.
 */
export const createStagingFilter = (options: StagingFilterOptions): StagingFilter => {
  const { anonymizerFor, pseudonym } = createAnonymizers(createKeyedMac(checkStagingKey(options.key)));
  const { contracts } = options.registry;
  const policy = resolvePolicy({ contracts, policy: options.policy ?? {} });
  const anonymizeMetadata = compileMetadataPlan({ rules: options.metadata ?? {}, policy, anonymizerFor });
  const tally = createTally();
  const plans = new Map<string, { readonly plan: ContractPlan; readonly tally: TypeTally }>(
    contracts.map((contract) => [
      contract.type,
      { plan: compileContractPlan({ contract, policy, anonymizerFor }), tally: tally.known(contract.type) },
    ]),
  );

  const anonymizeId = (id: string): string => (isRandomUuid(id) ? id : pseudonym(id));
  // Reused by every call: filtering is synchronous, so no two calls share it at once.
  const stripped: string[] = [];

  const filter = (envelope: Envelope): StagingVerdict => {
    const found = typeof envelope?.type === 'string' ? plans.get(envelope.type) : undefined;
    const counts = found?.tally ?? tally.unknown();
    const drop = (reason: DropReason): StagingVerdict => {
      bump(counts.dropped, reason);
      return { status: 'drop', reason };
    };
    if (!isEnvelopeShape(envelope)) return drop('malformed');
    if (found === undefined) return drop('unknown-type');
    const { plan } = found;
    const version = plan.versions[envelope.version - 1];
    if (version === undefined) return drop('too-new');

    stripped.length = 0;
    const data = version.run(envelope.data, stripped);
    if (data.status !== 'ok') return drop(data.status);
    const streamId = plan.streamId(envelope.streamId);
    if (typeof streamId !== 'string' || streamId === '') return drop('unanonymizable');
    const metadata =
      envelope.metadata === undefined
        ? undefined
        : anonymizeMetadata(envelope.metadata, (key) => bump(counts.strippedMetadata, key));

    counts.passed += 1;
    for (const pattern of stripped) bump(counts.strippedFields, `v${envelope.version} data.${pattern}`);
    return {
      status: 'pass',
      envelope: {
        eventId: anonymizeId(envelope.eventId),
        type: envelope.type,
        version: envelope.version,
        streamId,
        time: envelope.time,
        causationId: envelope.causationId === null ? null : anonymizeId(envelope.causationId),
        correlationId: envelope.correlationId === null ? null : anonymizeId(envelope.correlationId),
        data: data.data,
        ...(metadata === undefined ? {} : { metadata }),
      },
    };
  };

  return { filter, summary: () => tally.summary() };
};
