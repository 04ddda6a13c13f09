import { describe, expect, it } from 'vitest';
import { CustomerRegistered, contractRegistry } from '../../events/index.ts';
import { isProjectionistError } from '../../src/errors/index.ts';
import { createEnvelope, type Envelope } from '../../src/log/index.ts';
import {
  createStagingFilter,
  defaultPolicy,
  type StagingFilterOptions,
  type StagingVerdict,
} from '../../src/staging/index.ts';
import { sampleOf } from '../../src/testing/index.ts';
import { stagingKey } from './fixtures/stagingKeys.ts';
import { strictRegistry } from './fixtures/strictContracts.ts';

const refusal = (options: Partial<StagingFilterOptions>): unknown => {
  try {
    createStagingFilter({ registry: contractRegistry, key: stagingKey, ...options });
  } catch (error) {
    return error;
  }
  throw new Error('expected createStagingFilter to refuse');
};

const expectRefused = (options: Partial<StagingFilterOptions>, message: RegExp): void => {
  const error = refusal(options);
  expect(isProjectionistError(error, 'PRJ_STAGING_REFUSED'), String(error)).toBe(true);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message).not.toContain(stagingKey);
};

const registered = createEnvelope({
  type: 'CustomerRegistered',
  version: 3,
  streamId: 'cus-0001',
  // the newest golden sample (Grace Hopper, grace@example.com, 1 Navy Yard), with a phone number
  data: sampleOf(CustomerRegistered, { phone: '+1 202 555 0199' }),
});

const dataOf = (verdict: StagingVerdict): Record<string, unknown> => {
  if (verdict.status !== 'pass') throw new Error(`expected a pass, got a drop for ${verdict.reason}`);
  return verdict.envelope.data as Record<string, unknown>;
};

const badge = (data: Record<string, unknown>): Envelope =>
  createEnvelope({ type: 'BadgePrinted', version: 1, streamId: 'visitor-1', data });

describe('staging policy', () => {
  it('keeps only what is not personal by default', () => {
    expect(Object.entries(defaultPolicy).filter(([, strategy]) => strategy === 'keep')).toEqual([
      ['notPersonal', 'keep'],
    ]);
  });

  it('applies a strategy given per tag, and one given per field over it', () => {
    const filter = createStagingFilter({
      registry: contractRegistry,
      key: stagingKey,
      policy: {
        tags: { city: 'keep', name: 'redact' },
        fields: { CustomerRegistered: { lastName: 'keep' } },
      },
    });
    expect(dataOf(filter.filter(registered))).toMatchObject({
      firstName: '[redacted]',
      lastName: 'Hopper',
      address: { city: 'Washington' },
    });
  });

  it('drops a field to null where the schema requires it but accepts null, and leaves out an optional one', () => {
    const filter = createStagingFilter({
      registry: contractRegistry,
      key: stagingKey,
      policy: { fields: { CustomerRegistered: { phone: 'drop' } } },
    });
    expect(dataOf(filter.filter(registered))).toMatchObject({ phone: null });

    const badges = createStagingFilter({
      registry: strictRegistry,
      key: stagingKey,
      policy: { tags: { freeText: 'drop' } },
    });
    const data = dataOf(
      badges.filter(badge({ name: 'Al', code: '', codeLength: 0, note: 'VIP', visitorIp: '10.1.2.3' })),
    );
    expect(data).not.toHaveProperty('note');
  });

  it('refuses a strategy that means nothing for a tag, and names the field', () => {
    expectRefused(
      { policy: { tags: { name: 'generalize' } } },
      /CustomerRegistered v1 name: generalize does not apply to name fields/,
    );
    expectRefused({ policy: { tags: { notPersonal: 'fake' } } }, /fake does not apply to notPersonal/);
  });

  it('refuses a policy whose output would not parse, found on the golden samples at start', () => {
    expectRefused(
      { policy: { fields: { CustomerRegistered: { email: 'pseudonymize' } } } },
      /CustomerRegistered v1 sample 1 does not parse once anonymized: email \(invalid_format\)/,
    );
    expectRefused(
      { policy: { fields: { OrderCancelled: { reason: 'drop' } } } },
      /OrderCancelled v1 sample 1/,
    );
  });

  it('refuses entries for types or fields that do not exist, and strategies that do not', () => {
    expectRefused({ policy: { fields: { OrderPlaced: { giftMesage: 'drop' } } } }, /giftMesage/);
    expectRefused(
      { policy: { fields: { OrderPlacd: { giftMessage: 'drop' } } } },
      /OrderPlacd, which has no contract/,
    );
    expectRefused({ policy: { tags: { name: 'scramble' as 'fake' } } }, /"scramble" is not a strategy/);
    expectRefused({ policy: { tags: { nickname: 'fake' } as never } }, /"nickname" is not a PII tag/);
  });

  it('refuses a stream id strategy that would merge or lose streams', () => {
    expectRefused({ policy: { tags: { identifier: 'redact' } } }, /stream ids are tagged identifier/);
  });

  it('refuses metadata rules with an unknown tag or a strategy that does not apply', () => {
    expectRefused({ metadata: { clientIp: { tag: 'ipAddress' as 'ip' } } }, /not a PII tag/);
    expectRefused(
      { metadata: { agent: { tag: 'freeText', strategy: 'generalize' } } },
      /generalize does not apply/,
    );
    expectRefused(
      { metadata: JSON.parse('{"__proto__": { "tag": "notPersonal" }}') as never },
      /cannot be allow-listed/,
    );
  });

  it('drops an event whose fake no longer fits a field schema, checked field by field', () => {
    const filter = createStagingFilter({ registry: strictRegistry, key: stagingKey });
    const fits = { name: 'Al', code: '', codeLength: 0, visitorIp: '10.1.2.3' };
    expect(filter.filter(badge(fits)).status).toBe('pass');
    expect(filter.filter(badge({ ...fits, name: 'Al Bo Cy' }))).toEqual({
      status: 'drop',
      reason: 'unanonymizable',
    });
  });

  it('drops an event whose anonymized data fails a check across fields', () => {
    // A pseudonym is 28 characters long, so only a code of that length keeps codeLength right.
    const filter = createStagingFilter({ registry: strictRegistry, key: stagingKey });
    const base = { name: 'Al', visitorIp: '10.1.2.3' };
    expect(filter.filter(badge({ ...base, code: 'abc', codeLength: 3 }))).toEqual({
      status: 'drop',
      reason: 'unanonymizable',
    });
    expect(filter.filter(badge({ ...base, code: 'x'.repeat(28), codeLength: 28 })).status).toBe('pass');
    expect(filter.summary().types.BadgePrinted).toMatchObject({ passed: 1, dropped: { unanonymizable: 1 } });
  });

  it('refuses to pseudonymize an IP field whose schema wants an address', () => {
    const error = refusal({ registry: strictRegistry, policy: { tags: { ip: 'pseudonymize' } } });
    expect(isProjectionistError(error, 'PRJ_STAGING_REFUSED')).toBe(true);
    expect((error as Error).message).toMatch(/visitorIp \(invalid_format\)/);
  });
});
