import { describe, expect, it } from 'vitest';
import { contractRegistry } from '../../events/index.ts';
import { mapFields, type AnyContract } from '../../src/contracts/index.ts';
import { createStagingFilter, type StagingFilterOptions } from '../../src/staging/index.ts';
import { canaries, canaryCommandId, canaryMetadata, findLeaks } from './fixtures/canaries.ts';
import { goldenEnvelopes } from './fixtures/goldenEnvelopes.ts';
import { stagingKey } from './fixtures/stagingKeys.ts';

/** A golden sample with every personal field replaced by its tag's canary; other fields as they are. */
const withCanaries = (contract: AnyContract, version: number, sample: unknown): unknown =>
  mapFields({
    schema: contract.versions[version - 1]!.schema,
    value: sample,
    mapper: (field) => (field.tag === 'notPersonal' ? field.value : canaries[field.tag]),
  });

const canaryEnvelopes = goldenEnvelopes({
  dataOf: withCanaries,
  // The customer id canary is both the customer streams' id and the orders' customerId.
  streamIdOf: (contract) => (contract.streamId === 'identifier' ? canaries.identifier : 'ord-0001'),
  causationId: canaryCommandId,
  metadata: canaryMetadata,
});

/** Filters every canary envelope and answers the leaks found in the JSON of each output. */
const leaksUnder = (options: Omit<StagingFilterOptions, 'registry' | 'key'> = {}) => {
  const { filter, summary } = createStagingFilter({
    registry: contractRegistry,
    key: stagingKey,
    ...options,
  });
  const outputs = canaryEnvelopes.map(({ name, envelope }) => {
    const verdict = filter(envelope);
    expect(verdict.status, name).toBe('pass');
    return { name, json: JSON.stringify(verdict) };
  });
  return {
    leaks: outputs.flatMap(({ name, json }) => findLeaks(json).map((fragment) => `${name}: ${fragment}`)),
    summaryLeaks: findLeaks(JSON.stringify(summary())),
  };
};

describe('canary leak check', () => {
  it('builds canary envelopes that are valid, so that every one of them is filtered and inspected', () => {
    expect(canaryEnvelopes.length).toBeGreaterThan(20);
    for (const { name, contract, version, envelope } of canaryEnvelopes) {
      expect(contractRegistry.decode(contract.kind, contract.type, version, envelope.data).status, name).toBe(
        'ok',
      );
    }
    // Every kind of canary made it into some envelope's data.
    const allData = JSON.stringify(canaryEnvelopes.map(({ envelope }) => envelope.data));
    for (const [tag, canary] of Object.entries(canaries)) {
      if (tag !== 'ip') expect(allData, tag).toContain(canary);
    }
  });

  it('finds no canary, in any case, in any filtered envelope or in the summary', () => {
    const { leaks, summaryLeaks } = leaksUnder();
    expect(leaks).toEqual([]);
    expect(summaryLeaks).toEqual([]);
  });

  it('finds the canary email, local part included, once a policy keeps the email field', () => {
    const { leaks } = leaksUnder({ policy: { fields: { CustomerRegistered: { email: 'keep' } } } });
    expect(leaks).toContain(`CustomerRegistered v3 sample 1: ${canaries.email}`);
    expect(leaks).toContain('CustomerRegistered v3 sample 1: zyx.quorth.canary');
    expect(leaks.every((leak) => leak.startsWith('CustomerRegistered '))).toBe(true);
  });

  it('finds the canary customer id once a policy keeps identifiers, stream ids included', () => {
    const { leaks } = leaksUnder({ policy: { tags: { identifier: 'keep' } } });
    expect(leaks).toContain(`CustomerEmailChanged v1 sample 1: ${canaries.identifier}`);
    expect(leaks).toContain(`OrderPlaced v2 sample 1: ${canaries.identifier}`);
  });

  it('finds the canary note once metadata allow-lists it to be kept', () => {
    const { leaks } = leaksUnder({ metadata: { note: { tag: 'freeText', strategy: 'keep' } } });
    expect(leaks).toContain(`OrderCancelled v1 sample 1: ${canaries.freeText.toLowerCase()}`);
  });
});
