import type { OrderLineAdded, OrderPlaced } from '../../../events/index.ts';
import { orderTotalsV1 } from '../../../projections/order-totals/v1.ts';
import type { DataOf } from '../../../src/contracts/index.ts';
import {
  tableName,
  type PeerEvent,
  type PeerProjection,
  type PeerValue,
  type Statement,
} from './PeerProjection.ts';

type Order = {
  readonly customerId: string;
  readonly currency: string;
  totalCents: bigint;
  lines: number;
  status: 'placed' | 'shipped' | 'cancelled';
  readonly placedAt: string;
};
type Totals = {
  readonly customerId: string;
  readonly currency: string;
  orders: number;
  cancelled: number;
  totalCents: bigint;
};

const orders = tableName(orderTotalsV1, 'orders');
const totals = tableName(orderTotalsV1, 'customer_totals');

/** order-totals v1 (projections/order-totals/v1.ts) by hand: what each handler does, without the engine. */
export const orderTotalsPeer: PeerProjection = {
  definition: orderTotalsV1,
  types: new Set(Object.keys(orderTotalsV1.handlers)),
  createFold: () => {
    const byOrder = new Map<string, Order>();
    const byCustomer = new Map<string, Totals>();
    const totalsOf = (o: { customerId: string; currency: string }) =>
      byCustomer.get(`${o.customerId}\u0000${o.currency}`);
    return {
      apply: (e) => {
        switch (e.type) {
          case 'OrderPlaced': {
            const { customerId, currency, totalCents, lines } = e.data as DataOf<typeof OrderPlaced>;
            byOrder.set(e.streamId, {
              customerId,
              currency,
              totalCents: BigInt(totalCents),
              lines: lines.length,
              status: 'placed',
              placedAt: e.time,
            });
            const key = `${customerId}\u0000${currency}`;
            const t = byCustomer.get(key);
            if (t === undefined)
              byCustomer.set(key, {
                customerId,
                currency,
                orders: 1,
                cancelled: 0,
                totalCents: BigInt(totalCents),
              });
            else {
              t.orders++;
              t.totalCents += BigInt(totalCents);
            }
            return;
          }
          case 'OrderLineAdded': {
            const o = byOrder.get(e.streamId);
            if (o === undefined || o.status !== 'placed') return;
            const { quantity, unitPriceCents } = e.data as DataOf<typeof OrderLineAdded>;
            const added = BigInt(quantity * unitPriceCents);
            o.totalCents += added;
            o.lines++;
            const t = totalsOf(o);
            if (t !== undefined) t.totalCents += added;
            return;
          }
          case 'OrderCancelled': {
            const o = byOrder.get(e.streamId);
            if (o === undefined || o.status !== 'placed') return;
            o.status = 'cancelled';
            const t = totalsOf(o);
            if (t !== undefined) {
              t.cancelled++;
              t.totalCents -= o.totalCents;
            }
            return;
          }
          case 'OrderShipped': {
            const o = byOrder.get(e.streamId);
            if (o !== undefined && o.status === 'placed') o.status = 'shipped';
            return;
          }
        }
      },
      rows: () =>
        new Map<string, Readonly<Record<string, PeerValue>>[]>([
          [
            'orders',
            [...byOrder].map(([orderId, o]) => ({
              order_id: orderId,
              customer_id: o.customerId,
              currency: o.currency,
              total_cents: o.totalCents,
              lines: o.lines,
              status: o.status,
              placed_at: o.placedAt,
            })),
          ],
          [
            'customer_totals',
            [...byCustomer.values()].map((t) => ({
              customer_id: t.customerId,
              currency: t.currency,
              orders: t.orders,
              cancelled: t.cancelled,
              total_cents: t.totalCents,
            })),
          ],
        ]),
    };
  },
  statement: (e: PeerEvent): Statement | undefined => {
    switch (e.type) {
      case 'OrderPlaced': {
        const { customerId, currency, totalCents, lines } = e.data as DataOf<typeof OrderPlaced>;
        return {
          text: `with o as (
              insert into ${orders} (order_id, customer_id, currency, total_cents, lines, status, placed_at)
              values ($1, $2, $3, $4, $5, 'placed', $6)
              on conflict (order_id) do update set customer_id = excluded.customer_id,
                currency = excluded.currency, total_cents = excluded.total_cents, lines = excluded.lines,
                status = excluded.status, placed_at = excluded.placed_at)
            insert into ${totals} (customer_id, currency, orders, cancelled, total_cents)
            values ($2, $3, 1, 0, $4)
            on conflict (customer_id, currency) do update set orders = ${totals}.orders + 1,
              total_cents = ${totals}.total_cents + excluded.total_cents`,
          values: [e.streamId, customerId, currency, String(totalCents), lines.length, e.time],
        };
      }
      case 'OrderLineAdded': {
        const { quantity, unitPriceCents } = e.data as DataOf<typeof OrderLineAdded>;
        return {
          text: `with o as (
              update ${orders} set total_cents = total_cents + $2, lines = lines + 1
              where order_id = $1 and status = 'placed' returning customer_id, currency)
            update ${totals} t set total_cents = t.total_cents + $2
            from o where t.customer_id = o.customer_id and t.currency = o.currency`,
          values: [e.streamId, String(quantity * unitPriceCents)],
        };
      }
      case 'OrderCancelled':
        return {
          text: `with o as (
              update ${orders} set status = 'cancelled'
              where order_id = $1 and status = 'placed' returning customer_id, currency, total_cents)
            update ${totals} t set cancelled = t.cancelled + 1, total_cents = t.total_cents - o.total_cents
            from o where t.customer_id = o.customer_id and t.currency = o.currency`,
          values: [e.streamId],
        };
      case 'OrderShipped':
        return {
          text: `update ${orders} set status = 'shipped' where order_id = $1 and status = 'placed'`,
          values: [e.streamId],
        };
      default:
        return undefined;
    }
  },
};
