import { defineAggregate } from '../../src/index.ts';
import { CustomerDetailsChanged } from './CustomerDetailsChanged.ts';
import { CustomerEmailChanged } from './CustomerEmailChanged.ts';
import { CustomerErased } from './CustomerErased.ts';
import { CustomerMoved } from './CustomerMoved.ts';
import { CustomerRegistered } from './CustomerRegistered.ts';

/** What customer commands decide on; an erased customer keeps no personal data, even here. */
export type CustomerState =
  | { readonly status: 'unregistered' }
  | { readonly status: 'active'; readonly email: string }
  | { readonly status: 'erased' };

const initial: CustomerState = { status: 'unregistered' };

/** One stream per customer; the stream id is the customer id. */
export const customerAggregate = defineAggregate({
  name: 'customer',
  initial,
  events: [CustomerRegistered, CustomerDetailsChanged, CustomerEmailChanged, CustomerMoved, CustomerErased],
  evolve: (state, event): CustomerState => {
    switch (event.type) {
      case 'CustomerRegistered':
        return { status: 'active', email: event.data.email };
      case 'CustomerEmailChanged':
        return state.status === 'active' ? { ...state, email: event.data.email } : state;
      case 'CustomerDetailsChanged':
      case 'CustomerMoved':
        return state;
      case 'CustomerErased':
        return { status: 'erased' };
    }
  },
});
