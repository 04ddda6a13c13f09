import { describe, expect, it } from 'vitest';
import { RecordPayment, RefundPayment } from '../../events/index.ts';
import { decideAfter } from './decideAfter.ts';

const payment = {
  orderId: 'ord-0001',
  amountCents: 2795,
  currency: 'GBP',
  method: 'card',
  reference: null,
} as const;
const received = { type: 'PaymentReceived', data: payment } as const;
const refunded = (amountCents: number) =>
  ({
    type: 'PaymentRefunded',
    data: { amountCents, currency: 'GBP', reason: 'Mug arrived broken' },
  }) as const;

describe('RecordPayment', () => {
  it('records a payment once', () => {
    expect(decideAfter({ contract: RecordPayment, command: payment })).toEqual({ events: [received] });
    expect(decideAfter({ contract: RecordPayment, command: payment, history: [received] })).toEqual({
      rejected: 'a payment with this id was already recorded',
    });
  });
});

describe('RefundPayment', () => {
  it('refunds part of a payment in the payment’s currency', () => {
    expect(
      decideAfter({
        contract: RefundPayment,
        command: { amountCents: 1495, reason: 'Mug arrived broken' },
        history: [received],
      }),
    ).toEqual({ events: [refunded(1495)] });
  });

  it('rejects refunding more than was paid, counting earlier refunds', () => {
    const history = [received, refunded(1495)];
    expect(
      decideAfter({
        contract: RefundPayment,
        command: { amountCents: 1301, reason: 'Tea was stale' },
        history,
      }),
    ).toEqual({ rejected: 'a refund of 1301 exceeds the 1300 still refundable' });
    expect(
      decideAfter({
        contract: RefundPayment,
        command: { amountCents: 1300, reason: 'Tea was stale' },
        history,
      }),
    ).toEqual({
      events: [
        { type: 'PaymentRefunded', data: { amountCents: 1300, currency: 'GBP', reason: 'Tea was stale' } },
      ],
    });
  });

  it('rejects refunding a payment that was never recorded', () => {
    expect(
      decideAfter({ contract: RefundPayment, command: { amountCents: 100, reason: 'Goodwill' } }),
    ).toEqual({
      rejected: 'there is no such payment',
    });
  });
});
