import type { Events } from '../../events/index.ts';
import { defineProjectionOf } from '../../src/index.ts';

/** One row per customer: who they are, how to mail them, where they live. */
export const customerDirectoryV1 = defineProjectionOf<Events>()({
  name: 'customer-directory',
  version: 1,
  description: 'Customers by id with their full name, email and city.',
  tables: {
    customers: {
      columns: { id: 'text', full_name: 'text', email: 'text', city: 'text' },
      primaryKey: ['id'],
      indexes: [['email']],
    },
  },
  handlers: {
    CustomerRegistered: {
      keys: () => [],
      apply: (e, store) => {
        store.upsert('customers', {
          id: e.streamId,
          full_name: `${e.data.firstName} ${e.data.lastName}`.trim(),
          email: e.data.email,
          city: e.data.address.city,
        });
      },
    },
    CustomerDetailsChanged: {
      keys: (e) => [{ table: 'customers', key: { id: e.streamId } }],
      apply: (e, store) => {
        store.patch('customers', { id: e.streamId }, (c) => ({
          ...c,
          full_name: `${e.data.firstName} ${e.data.lastName}`.trim(),
        }));
      },
    },
    CustomerEmailChanged: {
      keys: (e) => [{ table: 'customers', key: { id: e.streamId } }],
      apply: (e, store) => {
        store.patch('customers', { id: e.streamId }, (c) => ({ ...c, email: e.data.email }));
      },
    },
    CustomerMoved: {
      keys: (e) => [{ table: 'customers', key: { id: e.streamId } }],
      apply: (e, store) => {
        store.patch('customers', { id: e.streamId }, (c) => ({ ...c, city: e.data.address.city }));
      },
    },
    CustomerErased: {
      keys: () => [],
      apply: (e, store) => store.delete('customers', { id: e.streamId }),
    },
  },
});
