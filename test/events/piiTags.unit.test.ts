import { describe, expect, it } from 'vitest';
import { findUntaggedFields, listFields } from '../../src/contracts/index.ts';
import {
  CustomerRegistered,
  OrderPlaced,
  PaymentReceived,
  aggregates,
  contracts,
  customerAggregate,
  orderAggregate,
  paymentAggregate,
} from '../../events/index.ts';

describe('PII tags of the example domain', () => {
  it.each(contracts.map((contract) => ({ type: contract.type, contract })))(
    'tags every field of every version of $type',
    ({ contract }) => {
      expect(findUntaggedFields(contract)).toEqual([]);
    },
  );

  it('tags the personal data of a registered customer by kind', () => {
    expect(
      Object.fromEntries(listFields(CustomerRegistered.schema).map((field) => [field.path, field.tag])),
    ).toEqual({
      firstName: 'name',
      lastName: 'name',
      email: 'email',
      phone: 'phone',
      birthDate: 'dateOfBirth',
      'address.street': 'address',
      'address.postalCode': 'postalCode',
      'address.city': 'city',
      'address.country': 'notPersonal',
      marketingOptIn: 'notPersonal',
    });
  });

  it('tags the customer of an order as an identifier in both versions, and its lines as not personal', () => {
    const tags = (version: number) =>
      Object.fromEntries(
        listFields(OrderPlaced.versions[version - 1]!.schema).map((field) => [field.path, field.tag]),
      );
    expect(tags(1)).toMatchObject({
      customer: 'identifier',
      'lines[].sku': 'notPersonal',
      giftMessage: 'freeText',
    });
    expect(tags(2)).toMatchObject({ customerId: 'identifier', totalCents: 'notPersonal' });
    expect(
      Object.fromEntries(listFields(PaymentReceived.schema).map((field) => [field.path, field.tag])),
    ).toMatchObject({
      amountCents: 'notPersonal',
      reference: 'freeText',
    });
  });

  it('treats a customer stream id as personal and order and payment stream ids as not', () => {
    expect(aggregates.map((aggregate) => [aggregate.name, aggregate.streamId])).toEqual([
      [customerAggregate.name, 'identifier'],
      [orderAggregate.name, 'notPersonal'],
      [paymentAggregate.name, 'notPersonal'],
    ]);
    for (const contract of contracts) {
      const aggregate = aggregates.find((candidate) =>
        'aggregate' in contract
          ? candidate === contract.aggregate
          : candidate.events.some((event) => event.type === contract.type),
      );
      expect(contract.streamId, contract.type).toBe(aggregate?.streamId);
    }
  });
});
