import type { DataOf } from '../../src/index.ts';
import type {
  CustomerDetailsChanged,
  CustomerEmailChanged,
  CustomerMoved,
  CustomerRegistered,
} from '../../events/index.ts';
import { defineProjection, type ProjectionEvent } from '../../src/index.ts';

/** One row per customer: who they are, how to mail them, where they live. */
export const customerDirectoryV1 = defineProjection({
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
      apply: (e: ProjectionEvent<DataOf<typeof CustomerRegistered>>, store) => {
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
      apply: (e: ProjectionEvent<DataOf<typeof CustomerDetailsChanged>>, store) => {
        store.patch('customers', { id: e.streamId }, (c) => ({
          ...c,
          full_name: `${e.data.firstName} ${e.data.lastName}`.trim(),
        }));
      },
    },
    CustomerEmailChanged: {
      keys: (e) => [{ table: 'customers', key: { id: e.streamId } }],
      apply: (e: ProjectionEvent<DataOf<typeof CustomerEmailChanged>>, store) => {
        store.patch('customers', { id: e.streamId }, (c) => ({ ...c, email: e.data.email }));
      },
    },
    CustomerMoved: {
      keys: (e) => [{ table: 'customers', key: { id: e.streamId } }],
      apply: (e: ProjectionEvent<DataOf<typeof CustomerMoved>>, store) => {
        store.patch('customers', { id: e.streamId }, (c) => ({ ...c, city: e.data.address.city }));
      },
    },
    CustomerErased: {
      keys: () => [],
      apply: (e, store) => store.delete('customers', { id: e.streamId }),
    },
  },
});
