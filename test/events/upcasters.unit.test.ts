import { describe, expect, it } from 'vitest';
import { CustomerRegistered, contractRegistry } from '../../events/index.ts';
import { splitFullName } from '../../events/customers/splitFullName.ts';
import { sampleOfVersion } from '../../src/testing/index.ts';
import { adaLovelaceV3 } from './support/adaLovelaceV3.ts';

const decodeEvent = (type: string, version: number, data: unknown) =>
  contractRegistry.decode('event', type, version, data);

describe('CustomerRegistered', () => {
  it('splits the v1 name and fills in what later versions added', () => {
    expect(decodeEvent('CustomerRegistered', 1, sampleOfVersion(CustomerRegistered, 1))).toEqual({
      status: 'ok',
      fromVersion: 1,
      value: adaLovelaceV3,
    });
  });

  it('gives a v2 address its country without touching the names', () => {
    // the v2 golden sample: Anna Maria van Schurman, +31 30 123 4567, in Utrecht
    const result = decodeEvent('CustomerRegistered', 2, sampleOfVersion(CustomerRegistered, 2));
    expect(result).toMatchObject({
      status: 'ok',
      value: {
        firstName: 'Anna Maria',
        lastName: 'van Schurman',
        phone: '+31 30 123 4567',
        address: { country: 'NL' },
      },
    });
  });
});

describe('splitFullName', () => {
  it('takes the first word as first name and the rest as last name', () => {
    expect(splitFullName('Anna Maria van Schurman')).toEqual({
      firstName: 'Anna',
      lastName: 'Maria van Schurman',
    });
    expect(splitFullName('  Grace   Hopper ')).toEqual({ firstName: 'Grace', lastName: 'Hopper' });
  });

  it('gives a person with one name an empty last name', () => {
    expect(splitFullName('Multatuli')).toEqual({ firstName: 'Multatuli', lastName: '' });
  });
});

describe('PaymentReceived', () => {
  it('turns a v1 float amount in euros into integer cents and a currency', () => {
    expect(decodeEvent('PaymentReceived', 1, { orderId: 'ord-0001', amount: 27.95, method: 'card' })).toEqual(
      {
        status: 'ok',
        fromVersion: 1,
        value: { orderId: 'ord-0001', amountCents: 2795, currency: 'EUR', method: 'card', reference: null },
      },
    );
  });

  it('rounds to the nearest cent where binary floats fall short', () => {
    const result = decodeEvent('PaymentReceived', 1, { orderId: 'ord-0002', amount: 0.29, method: 'ideal' });
    expect(result).toMatchObject({ status: 'ok', value: { amountCents: 29 } });
  });
});

describe('OrderPlaced', () => {
  it('renames the v1 customer to customerId and adds the total of the lines', () => {
    const v1 = {
      customer: 'cus-0001',
      lines: [
        { sku: 'TEA-EARL-GREY-250', quantity: 2, unitPriceCents: 650 },
        { sku: 'MUG-DELFT-BLUE', quantity: 1, unitPriceCents: 1495 },
      ],
      currency: 'EUR',
      deliveryAddress: {
        street: 'Keizersgracht 123',
        postalCode: '1015 CJ',
        city: 'Amsterdam',
        country: 'NL',
      },
      giftMessage: null,
    };
    const { customer: _customer, ...rest } = v1;
    expect(decodeEvent('OrderPlaced', 1, v1)).toEqual({
      status: 'ok',
      fromVersion: 1,
      value: { ...rest, customerId: 'cus-0001', totalCents: 2795 },
    });
  });
});

describe('CustomerMoved', () => {
  it('nests the flat v1 address and places it in the Netherlands', () => {
    expect(
      decodeEvent('CustomerMoved', 1, { street: 'Oudegracht 158', postalCode: '3511 AZ', city: 'Utrecht' }),
    ).toEqual({
      status: 'ok',
      fromVersion: 1,
      value: { address: { street: 'Oudegracht 158', postalCode: '3511 AZ', city: 'Utrecht', country: 'NL' } },
    });
  });
});

describe('commands', () => {
  it('upcasts a v1 RegisterCustomer to first and last name', () => {
    const result = contractRegistry.decode('command', 'RegisterCustomer', 1, {
      name: 'Grace Brewster Hopper',
      email: 'grace@example.com',
      phone: null,
      birthDate: '1906-12-09',
      address: { street: '1 Navy Yard', postalCode: '20374', city: 'Washington', country: 'US' },
      marketingOptIn: true,
    });
    expect(result).toMatchObject({
      status: 'ok',
      value: { firstName: 'Grace', lastName: 'Brewster Hopper' },
    });
    expect(result.status === 'ok' && 'name' in (result.value as object)).toBe(false);
  });

  it('upcasts a v1 RecordPayment float amount to cents in euros', () => {
    expect(
      contractRegistry.decode('command', 'RecordPayment', 1, {
        orderId: 'ord-1',
        amount: 12.34,
        method: 'card',
      }),
    ).toEqual({
      status: 'ok',
      fromVersion: 1,
      value: { orderId: 'ord-1', amountCents: 1234, currency: 'EUR', method: 'card', reference: null },
    });
  });

  it('pauses, rather than refuses, a command newer than the running code', () => {
    expect(contractRegistry.decode('command', 'RegisterCustomer', 3, {})).toEqual({
      status: 'too-new',
      version: 3,
      known: 2,
    });
  });
});
