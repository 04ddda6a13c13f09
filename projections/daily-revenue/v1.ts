import type { DataOf } from '../../src/index.ts';
import type { PaymentReceived, PaymentRefunded } from '../../events/index.ts';
import { defineProjection, type ProjectionEvent } from '../../src/index.ts';

/** The UTC day of an event: "2024-05-01". */
const dayOf = (time: string): string => time.slice(0, 10);

/** Money in and out per day and currency: one row shared by every payment of that day. */
export const dailyRevenueV1 = defineProjection({
  name: 'daily-revenue',
  version: 1,
  description: 'Per UTC day and currency: payments received, refunds and the net amount.',
  tables: {
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
  },
  handlers: {
    PaymentReceived: {
      keys: (e: ProjectionEvent<DataOf<typeof PaymentReceived>>) => [
        { table: 'revenue', key: { day: dayOf(e.time), currency: e.data.currency } },
      ],
      apply: (e: ProjectionEvent<DataOf<typeof PaymentReceived>>, store) => {
        const key = { day: dayOf(e.time), currency: e.data.currency };
        const amount = BigInt(e.data.amountCents);
        const row = store.get('revenue', key) ?? {
          ...key,
          payments: 0,
          refunds: 0,
          received_cents: 0n,
          refunded_cents: 0n,
          net_cents: 0n,
        };
        store.upsert('revenue', {
          ...row,
          payments: row.payments + 1,
          received_cents: row.received_cents + amount,
          net_cents: row.net_cents + amount,
        });
      },
    },
    PaymentRefunded: {
      keys: (e: ProjectionEvent<DataOf<typeof PaymentRefunded>>) => [
        { table: 'revenue', key: { day: dayOf(e.time), currency: e.data.currency } },
      ],
      apply: (e: ProjectionEvent<DataOf<typeof PaymentRefunded>>, store) => {
        const key = { day: dayOf(e.time), currency: e.data.currency };
        const amount = BigInt(e.data.amountCents);
        const row = store.get('revenue', key) ?? {
          ...key,
          payments: 0,
          refunds: 0,
          received_cents: 0n,
          refunded_cents: 0n,
          net_cents: 0n,
        };
        store.upsert('revenue', {
          ...row,
          refunds: row.refunds + 1,
          refunded_cents: row.refunded_cents + amount,
          net_cents: row.net_cents - amount,
        });
      },
    },
  },
  checks: [{ kind: 'same-sum', name: 'net revenue is unchanged', table: 'revenue', column: 'net_cents' }],
});
