import { defineAggregate } from '../../src/index.ts';
import { PaymentReceived } from './PaymentReceived.ts';
import { PaymentRefunded } from './PaymentRefunded.ts';

/** What payment commands decide on. */
export type PaymentState =
  | { readonly status: 'none' }
  | {
      readonly status: 'received';
      readonly orderId: string;
      readonly currency: string;
      readonly amountCents: number;
      readonly refundedCents: number;
    };

const initial: PaymentState = { status: 'none' };

/** One stream per payment; the stream id is the payment id. */
export const paymentAggregate = defineAggregate({
  name: 'payment',
  initial,
  events: [PaymentReceived, PaymentRefunded],
  evolve: (state, event): PaymentState => {
    switch (event.type) {
      case 'PaymentReceived':
        return {
          status: 'received',
          orderId: event.data.orderId,
          currency: event.data.currency,
          amountCents: event.data.amountCents,
          refundedCents: 0,
        };
      case 'PaymentRefunded':
        return state.status === 'received'
          ? { ...state, refundedCents: state.refundedCents + event.data.amountCents }
          : state;
    }
  },
});
