import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CustomerRegistered, contractRegistry } from '../../events/index.ts';
import { createEnvelope, type Envelope } from '../../src/log/index.ts';
import { createStagingFilter, type StagingFilter, type StagingVerdict } from '../../src/staging/index.ts';
import { sampleOf } from '../../src/testing/index.ts';
import { fixedUuid, goldenEnvelopes } from './fixtures/goldenEnvelopes.ts';
import { otherStagingKey, stagingKey } from './fixtures/stagingKeys.ts';

const newFilter = (options: Partial<Parameters<typeof createStagingFilter>[0]> = {}): StagingFilter =>
  createStagingFilter({ registry: contractRegistry, key: stagingKey, ...options });

const envelope = (fields: Partial<Envelope> & Pick<Envelope, 'type' | 'data'>): Envelope =>
  createEnvelope({
    version: 1,
    streamId: 'cus-0001',
    eventId: fixedUuid(1),
    time: '2025-01-02T03:04:05.000Z',
    ...fields,
  });

const passed = (verdict: StagingVerdict): Envelope => {
  if (verdict.status !== 'pass') throw new Error(`expected a pass, got a drop for ${verdict.reason}`);
  return verdict.envelope;
};

const emailChanged = (email: string, extra: Partial<Envelope> = {}) =>
  envelope({ type: 'CustomerEmailChanged', data: { email }, ...extra });

describe('createStagingFilter', () => {
  it('gives the same output for the same input under the same key, in two filters', () => {
    const all = goldenEnvelopes({ streamIdOf: () => 'cus-0001' });
    const first = newFilter();
    const second = newFilter();
    for (const { name, envelope: input } of all) {
      expect(second.filter(input), name).toEqual(first.filter(input));
    }
  });

  it('gives other pseudonyms and fakes under another key', () => {
    const input = envelope({
      type: 'CustomerRegistered',
      version: 3,
      data: sampleOf(CustomerRegistered, { phone: '+1 202 555 0199' }),
    });
    const one = passed(newFilter().filter(input));
    const other = passed(newFilter({ key: otherStagingKey }).filter(input));
    expect(other.streamId).not.toBe(one.streamId);
    const [a, b] = [one.data, other.data] as Record<string, unknown>[];
    expect(b?.email).not.toBe(a?.email);
    expect(b?.phone).not.toBe(a?.phone);
  });

  it('keeps joins: a customer id maps to one pseudonym as a stream id and as a field of an order', () => {
    const filter = newFilter();
    const customer = passed(filter.filter(goldenEnvelopes({ streamIdOf: () => 'cus-0001' })[0]!.envelope));
    const order = (version: number, data: unknown) =>
      passed(filter.filter(envelope({ type: 'OrderPlaced', version, streamId: 'ord-0001', data }))).data;
    const lines = [{ sku: 'TEA', quantity: 1, unitPriceCents: 100 }];
    const address = { street: 'Domplein 29', postalCode: '3512 JE', city: 'Utrecht', country: 'NL' };
    const common = { lines, currency: 'EUR', deliveryAddress: address, giftMessage: null };
    const v1 = order(1, { ...common, customer: 'cus-0001' });
    const v2 = order(2, { ...common, customerId: 'cus-0001', totalCents: 100 });

    expect(customer.streamId).toMatch(/^psd_[0-9a-f]{24}$/);
    expect(v1).toMatchObject({ customer: customer.streamId });
    expect(v2).toMatchObject({ customerId: customer.streamId });
  });

  it('pseudonymizes a stream id as its contract tags it and keeps one that is not personal', () => {
    const filter = newFilter();
    const moved = passed(
      filter.filter(
        envelope({ type: 'CustomerErased', streamId: 'cus-0042', data: { reason: 'gdpr-request' } }),
      ),
    );
    const shipped = passed(
      filter.filter(
        envelope({
          type: 'OrderShipped',
          streamId: 'ord-0042',
          data: { carrier: 'dhl', trackingCode: 'X1' },
        }),
      ),
    );
    expect(moved.streamId).toMatch(/^psd_/);
    expect(shipped.streamId).toBe('ord-0042');
  });

  it('keeps random UUIDs as event, causation and correlation ids and pseudonymizes other ids like fields', () => {
    const filter = newFilter();
    const uuid = '0b8f5d6e-3c2a-4f1b-9e7d-6a5c4b3a2f10';
    const kept = passed(
      filter.filter(emailChanged('a@example.com', { causationId: uuid, correlationId: null })),
    );
    expect(kept).toMatchObject({ eventId: fixedUuid(1), causationId: uuid, correlationId: null });

    const named = passed(
      filter.filter(
        emailChanged('a@example.com', { eventId: 'evt-ada', causationId: 'cus-0001', correlationId: 'x' }),
      ),
    );
    const customer = passed(filter.filter(emailChanged('a@example.com'))).streamId;
    expect(named.eventId).toMatch(/^psd_/);
    expect(named.causationId).toBe(customer);
    expect(named.correlationId).toMatch(/^psd_/);
  });

  it('keeps type, version and time, and leaves the input envelope untouched', () => {
    const input = emailChanged('ada@example.com');
    const copy = structuredClone(input);
    const output = passed(newFilter().filter(input));
    expect(input).toEqual(copy);
    expect(output).toMatchObject({ type: input.type, version: 1, time: input.time });
  });

  it('drops an event type that has no contract and counts it as an unknown type, without its name', () => {
    const filter = newFilter();
    expect(filter.filter(envelope({ type: 'LoyaltyPointsEarned', data: { points: 3 } }))).toEqual({
      status: 'drop',
      reason: 'unknown-type',
    });
    // a type from the log is data like any other: a writer could have put an id in it
    expect(filter.filter(envelope({ type: 'cus-0001', data: {} }))).toMatchObject({ status: 'drop' });
    expect(filter.summary()).toEqual({
      passed: 0,
      dropped: 2,
      types: {
        '(unknown type)': {
          passed: 0,
          dropped: { 'unknown-type': 2 },
          strippedFields: {},
          strippedMetadata: {},
        },
      },
    });
  });

  it('drops a version newer than the contracts, and an envelope that is not one', () => {
    const filter = newFilter();
    expect(filter.filter(emailChanged('a@example.com', { version: 2 }))).toEqual({
      status: 'drop',
      reason: 'too-new',
    });
    for (const broken of [
      { ...emailChanged('a@example.com'), version: 0 },
      { ...emailChanged('a@example.com'), version: 1.5 },
      { ...emailChanged('a@example.com'), streamId: '' },
      { ...emailChanged('a@example.com'), causationId: 7 },
      { ...emailChanged('a@example.com'), metadata: ['x'] },
      null,
    ]) {
      expect(filter.filter(broken as unknown as Envelope)).toEqual({ status: 'drop', reason: 'malformed' });
    }
    expect(filter.summary().types.CustomerEmailChanged?.dropped).toEqual({ 'too-new': 1, malformed: 5 });
    expect(filter.summary().types['(unknown type)']?.dropped).toEqual({ malformed: 1 });
  });

  it('drops data that does not parse against its version and never shows its values', () => {
    const filter = newFilter();
    expect(filter.filter(emailChanged('ada-at-example'))).toEqual({ status: 'drop', reason: 'invalid' });
    expect(filter.filter(envelope({ type: 'CustomerEmailChanged', data: 'ada@example.com' }))).toEqual({
      status: 'drop',
      reason: 'invalid',
    });
    const summary = filter.summary();
    expect(summary.types.CustomerEmailChanged).toMatchObject({ passed: 0, dropped: { invalid: 2 } });
    expect(JSON.stringify(summary)).not.toMatch(/ada-at-example|ada@example/);
  });

  it('strips fields the contract does not declare and counts them by the contract path they were found under', () => {
    const filter = newFilter();
    const output = passed(
      filter.filter(
        envelope({
          type: 'OrderPlaced',
          version: 2,
          streamId: 'ord-0001',
          data: {
            customerId: 'cus-0001',
            lines: [
              { sku: 'TEA', quantity: 1, unitPriceCents: 100, engraving: 'For Ada' },
              { sku: 'MUG', quantity: 1, unitPriceCents: 900, engraving: 'For Charles' },
            ],
            currency: 'EUR',
            totalCents: 1000,
            deliveryAddress: {
              street: 'Domplein 29',
              postalCode: '3512 JE',
              city: 'Utrecht',
              country: 'NL',
              floor: 2,
            },
            giftMessage: null,
            loyaltyNotes: 'likes Earl Grey',
            'ada@example.com': true,
          },
        }),
      ),
    );
    const json = JSON.stringify(output);
    for (const stray of ['engraving', 'For Ada', 'floor', 'loyaltyNotes', 'Earl Grey', 'ada@example.com']) {
      expect(json).not.toContain(stray);
    }
    // a stray key may itself be data (an id, an email): the summary never shows one
    expect(filter.summary().types.OrderPlaced?.strippedFields).toEqual({
      'v2 data.lines[].*': 2,
      'v2 data.deliveryAddress.*': 1,
      'v2 data.*': 2,
    });
  });

  it('strips metadata unless allow-listed, and applies each allowed key its own strategy', () => {
    const metadata = {
      traceId: 'trace-7',
      clientIp: '198.51.100.23',
      agent: 'Ada on Firefox',
      tenant: 'acme',
    };
    const stripped = passed(newFilter().filter(emailChanged('a@example.com', { metadata })));
    expect(stripped).not.toHaveProperty('metadata');

    const filter = newFilter({
      metadata: {
        traceId: { tag: 'notPersonal' },
        clientIp: { tag: 'ip', strategy: 'generalize' },
        agent: { tag: 'freeText' },
      },
    });
    expect(passed(filter.filter(emailChanged('a@example.com', { metadata }))).metadata).toEqual({
      traceId: 'trace-7',
      clientIp: '198.51.100.0',
      agent: '[redacted]',
    });
    expect(filter.summary().types.CustomerEmailChanged?.strippedMetadata).toEqual({ 'metadata.*': 1 });
    // an allow-listed key whose value its strategy cannot change is named by its rule
    filter.filter(emailChanged('a@example.com', { metadata: { clientIp: 'not an address' } }));
    expect(filter.summary().types.CustomerEmailChanged?.strippedMetadata).toEqual({
      'metadata.*': 1,
      'metadata.clientIp': 1,
    });
  });

  it('counts passed events per type and in total', () => {
    const filter = newFilter();
    filter.filter(emailChanged('a@example.com'));
    filter.filter(emailChanged('b@example.com'));
    filter.filter(envelope({ type: 'Unheard', data: {} }));
    expect(filter.summary()).toMatchObject({
      passed: 2,
      dropped: 1,
      types: { CustomerEmailChanged: { passed: 2, dropped: {} }, '(unknown type)': { passed: 0 } },
    });
  });

  it('never shows its key: not in outputs, the summary, or the filter itself', () => {
    const filter = newFilter();
    const outputs = goldenEnvelopes({ streamIdOf: () => 'cus-0001' }).map(({ envelope: input }) =>
      filter.filter(input),
    );
    const everything = [
      JSON.stringify(outputs),
      JSON.stringify(filter.summary()),
      inspect(filter, { depth: 5 }),
    ];
    for (const text of everything) expect(text).not.toContain(stagingKey);
  });
});
