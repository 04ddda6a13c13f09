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

/** Keys that are themselves personal data, as a sloppy writer might use them. */
const canaryKeys = [
  canaries.identifier,
  canaries.email,
  canaries.name,
  'Zyxquorth',
  'cust-4711-ada@example.com',
];

/** The value with every canary key added, with a harmless value, to every object at every depth. */
const withCanaryKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withCanaryKeys);
  if (typeof value !== 'object' || value === null) return value;
  return {
    ...Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withCanaryKeys(inner)])),
    ...Object.fromEntries(canaryKeys.map((key) => [key, 1])),
  };
};

const canaryKeyEnvelopes = goldenEnvelopes({
  dataOf: (contract, version, sample) => withCanaryKeys(withCanaries(contract, version, sample)),
  streamIdOf: (contract) => (contract.streamId === 'identifier' ? canaries.identifier : 'ord-0001'),
  metadata: { ...canaryMetadata, ...Object.fromEntries(canaryKeys.map((key) => [key, 1])) },
});

/** Filters every canary envelope and answers the leaks found in the JSON of each output. */
const leaksUnder = (
  options: Omit<StagingFilterOptions, 'registry' | 'key'> = {},
  envelopes: readonly (typeof canaryEnvelopes)[number][] = canaryEnvelopes,
) => {
  const { filter, summary } = createStagingFilter({
    registry: contractRegistry,
    key: stagingKey,
    ...options,
  });
  const outputs = envelopes.map(({ name, envelope }) => {
    const verdict = filter(envelope);
    expect(verdict.status, name).toBe('pass');
    return { name, json: JSON.stringify(verdict) };
  });
  return {
    leaks: outputs.flatMap(({ name, json }) => findLeaks(json).map((fragment) => `${name}: ${fragment}`)),
    summaryLeaks: findLeaks(JSON.stringify(summary())),
    summary: summary(),
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

  it('names stray keys that are canaries only by the contract path they were found under, in data and metadata', () => {
    const { leaks, summaryLeaks, summary } = leaksUnder(
      { metadata: { note: { tag: 'freeText' } } },
      canaryKeyEnvelopes,
    );
    expect(leaks).toEqual([]);
    expect(summaryLeaks).toEqual([]);
    const json = JSON.stringify(summary);
    for (const key of canaryKeys) expect(json.toLowerCase()).not.toContain(key.toLowerCase());
    // every stripped name is a contract path: a version, then data and declared keys, then '*'
    const fields = Object.values(summary.types).flatMap((t) => Object.keys(t.strippedFields));
    expect(fields.length).toBeGreaterThan(20);
    for (const field of fields) expect(field).toMatch(/^v\d+ data(\.[A-Za-z]\w*(\[\])*)*\.\*$/);
    expect(Object.keys(summary.types.OrderPlaced?.strippedFields ?? {})).toEqual(
      expect.arrayContaining(['v2 data.*', 'v2 data.deliveryAddress.*', 'v2 data.lines[].*']),
    );
    for (const t of Object.values(summary.types))
      expect(Object.keys(t.strippedMetadata).sort()).toEqual(['metadata.*']);
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
