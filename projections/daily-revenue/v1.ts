import type { Events } from '../../events/index.ts';
import {
  defineProjectionOf,
  type BatchStore,
  type EventOf,
  type ProjectionHandler,
  type TablesSpec,
} from '../../src/index.ts';

const tables = {
  revenue: {
    columns: {
      day: 'date',
      currency: 'text',
      payments: 'integer',
      refunds: 'integer',
      received_cents: 'bigint',
      refunded_cents: 'bigint',
      net_cents: 'bigint',
    },
    primaryKey: ['day', 'currency'],
  },
} as const satisfies TablesSpec;

type Payment = EventOf<Events, 'PaymentReceived' | 'PaymentRefunded'>;

/** The row of an event's UTC day ("2024-05-01") and currency. */
const dayKey = (e: Payment) => ({ day: e.time.slice(0, 10), currency: e.data.currency });

/**
 * Money moving in (a payment) or out (a refund): both count into the day's row, one on each
 * side, and move its net amount. The definition hash sees the text of `keys` and `apply` only,
 * not `dayKey` or `direction`: bump the version when either changes.
 */
const moneyMoved = (direction: 'in' | 'out'): ProjectionHandler<typeof tables, Payment['data']> => ({
  keys: (e) => [{ table: 'revenue', key: dayKey(e) }],
  apply: (e, store: BatchStore<typeof tables>) => {
    const key = dayKey(e);
    const amount = BigInt(e.data.amountCents);
    const row = store.get('revenue', key) ?? {
      ...key,
      payments: 0,
      refunds: 0,
      received_cents: 0n,
      refunded_cents: 0n,
      net_cents: 0n,
    };
    store.upsert(
      'revenue',
      direction === 'in'
        ? {
            ...row,
            payments: row.payments + 1,
            received_cents: row.received_cents + amount,
            net_cents: row.net_cents + amount,
          }
        : {
            ...row,
            refunds: row.refunds + 1,
            refunded_cents: row.refunded_cents + amount,
            net_cents: row.net_cents - amount,
          },
    );
  },
});

/** Money in and out per day and currency: one row shared by every payment of that day. */
export const dailyRevenueV1 = defineProjectionOf<Events>()({
  name: 'daily-revenue',
  version: 1,
  description: 'Per UTC day and currency: payments received, refunds and the net amount.',
  tables,
  handlers: {
    PaymentReceived: moneyMoved('in'),
    PaymentRefunded: moneyMoved('out'),
  },
  checks: [{ kind: 'same-sum', name: 'net revenue is unchanged', table: 'revenue', column: 'net_cents' }],
});
