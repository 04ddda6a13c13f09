import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CustomerRegistered, contractRegistry } from '../../events/index.ts';
import { customerDirectoryV1 } from '../../projections/customer-directory/v1.ts';
import { customerDirectoryV2 } from '../../projections/customer-directory/v2.ts';
import { dailyRevenueV1 } from '../../projections/daily-revenue/v1.ts';
import { orderTotalsV1 } from '../../projections/order-totals/v1.ts';
import { contractsDecoder } from '../../src/projections/index.ts';
import {
  projectionTestKit,
  sampleOf,
  sampleOfVersion,
  type ProjectionTestKit,
} from '../../src/testing/index.ts';
import { adaLovelaceV3 } from '../events/support/adaLovelaceV3.ts';
import { type ProjectionDefinition, type TablesSpec } from '../../src/definitions/index.ts';
import { useTestDatabase } from '../harness/testServices.ts';

const decode = contractsDecoder(contractRegistry);

const adaV1 = sampleOfVersion(CustomerRegistered, 1);
const adaV3 = adaLovelaceV3;
const grace = sampleOf(CustomerRegistered, { email: 'grace@Navy.mil', phone: '+1 202 555 0100' });
const t0 = '2024-05-01T09:00:00.000Z';

describe('the example projections', () => {
  let databaseUrl: string;
  const kits: ProjectionTestKit<TablesSpec>[] = [];
  const kit = async <T extends TablesSpec>(projection: ProjectionDefinition<T>) => {
    const made = await projectionTestKit({ projection, databaseUrl, decode });
    kits.push(made as unknown as ProjectionTestKit<TablesSpec>);
    return made;
  };

  beforeAll(async () => {
    databaseUrl = await useTestDatabase();
  });
  afterEach(async () => {
    for (const made of kits.splice(0)) await made.close();
  });

  describe('customer-directory v1', () => {
    it('keeps one row per customer through every change, and forgets an erased one', async () => {
      const directory = await kit(customerDirectoryV1);
      await directory.given([
        { type: 'CustomerRegistered', version: 1, streamId: 'cus-1', data: adaV1 },
        { type: 'CustomerRegistered', version: 3, streamId: 'cus-2', data: grace },
        {
          type: 'CustomerRegistered',
          version: 2,
          streamId: 'cus-3',
          data: { ...adaV3, firstName: 'Anna', lastName: 'van Schurman', email: 'anna@example.nl' },
        },
        {
          type: 'CustomerDetailsChanged',
          streamId: 'cus-1',
          data: { firstName: 'Ada', lastName: 'King', phone: null },
        },
        {
          type: 'CustomerMoved',
          version: 1,
          streamId: 'cus-1',
          data: { street: 'Oudegracht 158', postalCode: '3511 AZ', city: 'Utrecht' },
        },
      ]);
      await directory.given([
        { type: 'CustomerEmailChanged', streamId: 'cus-1', data: { email: 'ada.king@example.com' } },
        { type: 'CustomerErased', streamId: 'cus-3', data: { reason: 'gdpr-request' } },
      ]);
      await directory.expectRows('customers', [
        { id: 'cus-1', full_name: 'Ada King', email: 'ada.king@example.com', city: 'Utrecht' },
        { id: 'cus-2', full_name: 'Grace Hopper', email: 'grace@Navy.mil', city: 'Washington' },
      ]);
    });

    it('projects a registration written in v1 exactly like the same one written in v3', async () => {
      const old = await kit(customerDirectoryV1);
      await old.given({ type: 'CustomerRegistered', version: 1, streamId: 'cus-1', data: adaV1 });
      const rows = await old.rows('customers');
      await old.given({ type: 'CustomerErased', streamId: 'cus-1', data: { reason: 'account-closed' } });
      await old.given({ type: 'CustomerRegistered', version: 3, streamId: 'cus-1', data: adaV3 });
      expect(await old.rows('customers')).toEqual(rows);
      expect(rows).toEqual([
        { id: 'cus-1', full_name: 'Ada Lovelace', email: 'ada@example.com', city: 'Amsterdam' },
      ]);
    });
  });

  describe('customer-directory v2', () => {
    it('splits names, derives the email domain and keeps addresses apart, erasing both', async () => {
      const directory = await kit(customerDirectoryV2);
      await directory.given([
        { type: 'CustomerRegistered', version: 1, streamId: 'cus-1', data: adaV1, time: t0 },
        { type: 'CustomerRegistered', version: 3, streamId: 'cus-2', data: grace, time: t0 },
        { type: 'CustomerRegistered', version: 3, streamId: 'cus-3', data: grace, time: t0 },
        {
          type: 'CustomerMoved',
          version: 2,
          streamId: 'cus-2',
          data: {
            address: { street: 'Rue de Rivoli 99', postalCode: '75001', city: 'Paris', country: 'FR' },
          },
        },
        { type: 'CustomerEmailChanged', streamId: 'cus-1', data: { email: 'ada@Analytical.Engine' } },
        { type: 'CustomerErased', streamId: 'cus-3', data: { reason: 'gdpr-request' } },
      ]);
      await directory.expectRows('customers', [
        {
          id: 'cus-1',
          first_name: 'Ada',
          last_name: 'Lovelace',
          email: 'ada@Analytical.Engine',
          email_domain: 'analytical.engine',
          phone: null,
          marketing_opt_in: false,
          registered_at: t0,
        },
        {
          id: 'cus-2',
          first_name: 'Grace',
          last_name: 'Hopper',
          email: 'grace@Navy.mil',
          email_domain: 'navy.mil',
          phone: '+1 202 555 0100',
          marketing_opt_in: true,
          registered_at: t0,
        },
      ]);
      await directory.expectRows('addresses', [
        {
          customer_id: 'cus-1',
          street: 'Keizersgracht 123',
          postal_code: '1015 CJ',
          city: 'Amsterdam',
          country: 'NL',
        },
        {
          customer_id: 'cus-2',
          street: 'Rue de Rivoli 99',
          postal_code: '75001',
          city: 'Paris',
          country: 'FR',
        },
      ]);
    });
  });

  describe('order-totals v1', () => {
    const line = (sku: string, quantity: number, unitPriceCents: number) => ({
      sku,
      quantity,
      unitPriceCents,
    });
    const address = { street: 'Domplein 29', postalCode: '3512 JE', city: 'Utrecht', country: 'NL' };

    it('totals each customer per currency, net of cancellations, finding the customer through the order', async () => {
      const totals = await kit(orderTotalsV1);
      await totals.given([
        {
          type: 'OrderPlaced',
          version: 1,
          streamId: 'ord-1',
          time: t0,
          data: {
            customer: 'cus-1',
            lines: [line('TEA', 2, 650), line('MUG', 1, 1495)],
            currency: 'EUR',
            deliveryAddress: address,
            giftMessage: null,
          },
        },
        {
          type: 'OrderPlaced',
          version: 2,
          streamId: 'ord-2',
          time: t0,
          data: {
            customerId: 'cus-1',
            lines: [line('TEA', 1, 899)],
            currency: 'EUR',
            totalCents: 899,
            deliveryAddress: address,
            giftMessage: 'Hi!',
          },
        },
        {
          type: 'OrderPlaced',
          version: 2,
          streamId: 'ord-3',
          time: t0,
          data: {
            customerId: 'cus-1',
            lines: [line('TEA', 1, 500)],
            currency: 'GBP',
            totalCents: 500,
            deliveryAddress: address,
            giftMessage: null,
          },
        },
      ]);
      // a fresh batch over tables that now hold rows: the customer's row is found one load later
      await totals.given([
        { type: 'OrderLineAdded', streamId: 'ord-1', data: line('ROOIBOS', 1, 575) },
        { type: 'OrderCancelled', streamId: 'ord-2', data: { reason: 'Ordered twice by mistake' } },
        {
          type: 'OrderShipped',
          streamId: 'ord-1',
          data: { carrier: 'postnl', trackingCode: '3SABCD1234567' },
        },
        { type: 'OrderCancelled', streamId: 'ord-1', data: { reason: 'too late: it shipped' } },
      ]);
      expect(totals.batches.map((b) => b.lateLoads)).toEqual([1]);
      await totals.expectRows('customer_totals', [
        {
          customer_id: 'cus-1',
          currency: 'EUR',
          orders: 2,
          cancelled: 1,
          total_cents: 2n * 650n + 1495n + 575n,
        },
        { customer_id: 'cus-1', currency: 'GBP', orders: 1, cancelled: 0, total_cents: 500n },
      ]);
      const orders = await totals.rows('orders');
      expect(orders.map((o) => [o.order_id, o.status, o.total_cents, o.lines])).toEqual([
        ['ord-1', 'shipped', 3370n, 3],
        ['ord-2', 'cancelled', 899n, 1],
        ['ord-3', 'placed', 500n, 1],
      ]);
    });
  });

  describe('daily-revenue v1', () => {
    it('sums payments and refunds per day and currency, float amounts of v1 included', async () => {
      const revenue = await kit(dailyRevenueV1);
      const day2 = '2024-05-02T23:59:59.999Z';
      await revenue.given([
        {
          type: 'PaymentReceived',
          version: 1,
          streamId: 'pay-1',
          time: t0,
          data: { orderId: 'ord-1', amount: 0.29, method: 'ideal' },
        },
        {
          type: 'PaymentReceived',
          version: 1,
          streamId: 'pay-2',
          time: t0,
          data: { orderId: 'ord-2', amount: 27.95, method: 'card' },
        },
        {
          type: 'PaymentReceived',
          version: 2,
          streamId: 'pay-3',
          time: t0,
          data: {
            orderId: 'ord-3',
            amountCents: 2697,
            currency: 'GBP',
            method: 'bank-transfer',
            reference: 'Order 3',
          },
        },
        {
          type: 'PaymentRefunded',
          streamId: 'pay-2',
          time: day2,
          data: { amountCents: 1495, currency: 'EUR', reason: 'Mug arrived broken' },
        },
      ]);
      await revenue.expectRows('revenue', [
        {
          day: '2024-05-01',
          currency: 'EUR',
          payments: 2,
          refunds: 0,
          received_cents: 2824n,
          refunded_cents: 0n,
          net_cents: 2824n,
        },
        {
          day: '2024-05-01',
          currency: 'GBP',
          payments: 1,
          refunds: 0,
          received_cents: 2697n,
          refunded_cents: 0n,
          net_cents: 2697n,
        },
        {
          day: '2024-05-02',
          currency: 'EUR',
          payments: 0,
          refunds: 1,
          received_cents: 0n,
          refunded_cents: 1495n,
          net_cents: -1495n,
        },
      ]);
    });
  });
});
