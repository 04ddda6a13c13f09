import type { Events } from '../../events/index.ts';
import { defineProjectionOf } from '../../src/index.ts';

/**
 * What each customer ordered, per currency, net of cancellations; and every order with its
 * running total. Events after OrderPlaced carry only the order id, so their handlers find the
 * customer through the order's row: a row keys() cannot name, read one load round later.
 */
export const orderTotalsV1 = defineProjectionOf<Events>()({
  name: 'order-totals',
  version: 1,
  description: 'Orders with their totals, and per customer and currency the orders and amount.',
  tables: {
    orders: {
      columns: {
        order_id: 'text',
        customer_id: 'text',
        currency: 'text',
        total_cents: 'bigint',
        lines: 'integer',
        status: 'text',
        placed_at: 'timestamptz',
      },
      primaryKey: ['order_id'],
      indexes: [['customer_id']],
    },
    customer_totals: {
      columns: {
        customer_id: 'text',
        currency: 'text',
        orders: 'integer',
        cancelled: 'integer',
        total_cents: 'bigint',
      },
      primaryKey: ['customer_id', 'currency'],
    },
  },
  handlers: {
    OrderPlaced: {
      keys: (e) => [
        { table: 'customer_totals', key: { customer_id: e.data.customerId, currency: e.data.currency } },
      ],
      apply: (e, store) => {
        const { customerId, currency, totalCents, lines } = e.data;
        store.upsert('orders', {
          order_id: e.streamId,
          customer_id: customerId,
          currency,
          total_cents: BigInt(totalCents),
          lines: lines.length,
          status: 'placed',
          placed_at: e.time,
        });
        const totals = store.get('customer_totals', { customer_id: customerId, currency });
        store.upsert('customer_totals', {
          customer_id: customerId,
          currency,
          orders: (totals?.orders ?? 0) + 1,
          cancelled: totals?.cancelled ?? 0,
          total_cents: (totals?.total_cents ?? 0n) + BigInt(totalCents),
        });
      },
    },
    OrderLineAdded: {
      keys: (e) => [{ table: 'orders', key: { order_id: e.streamId } }],
      apply: (e, store) => {
        const order = store.get('orders', { order_id: e.streamId });
        if (order === undefined || order.status !== 'placed') return;
        const added = BigInt(e.data.quantity * e.data.unitPriceCents);
        store.upsert('orders', { ...order, total_cents: order.total_cents + added, lines: order.lines + 1 });
        store.patch('customer_totals', { customer_id: order.customer_id, currency: order.currency }, (t) => ({
          ...t,
          total_cents: t.total_cents + added,
        }));
      },
    },
    OrderCancelled: {
      keys: (e) => [{ table: 'orders', key: { order_id: e.streamId } }],
      apply: (e, store) => {
        const order = store.get('orders', { order_id: e.streamId });
        if (order === undefined || order.status !== 'placed') return;
        store.upsert('orders', { ...order, status: 'cancelled' });
        store.patch('customer_totals', { customer_id: order.customer_id, currency: order.currency }, (t) => ({
          ...t,
          cancelled: t.cancelled + 1,
          total_cents: t.total_cents - order.total_cents,
        }));
      },
    },
    OrderShipped: {
      keys: (e) => [{ table: 'orders', key: { order_id: e.streamId } }],
      apply: (e, store) => {
        store.patch('orders', { order_id: e.streamId }, (o) =>
          o.status === 'placed' ? { ...o, status: 'shipped' } : o,
        );
      },
    },
  },
  checks: [
    {
      kind: 'no-rows',
      name: 'no customer owes a negative total',
      sql: 'select customer_id from {customer_totals} where total_cents < 0',
    },
  ],
});
