import type { Events } from '../../events/index.ts';
import { defineProjectionOf } from '../../src/index.ts';

/** The part of an address after the "@", lower-cased: "example.com". */
const domainOf = (email: string): string => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

/**
 * v2's customers in v1's shape (id, full_name, email, city): the name joined again as v1 joins
 * it, the city from the address. What must equal v1, and how a read of v1 is answered from v2.
 */
const customersAsV1 = `select c.id, btrim(c.first_name || ' ' || c.last_name) as full_name, c.email, a.city
  from {customers} c left join {addresses} a on a.customer_id = c.id`;

/**
 * v2 splits names, adds the email domain, phone and marketing consent, and moves addresses to
 * a table of their own with the country (customers abroad arrived with CustomerRegistered v3).
 */
export const customerDirectoryV2 = defineProjectionOf<Events>()({
  name: 'customer-directory',
  version: 2,
  description: 'Customers with split names, email domain and consent; their postal addresses.',
  tables: {
    customers: {
      columns: {
        id: 'text',
        first_name: 'text',
        last_name: 'text',
        email: 'text',
        email_domain: 'text',
        phone: { type: 'text', nullable: true },
        marketing_opt_in: 'boolean',
        registered_at: 'timestamptz',
      },
      primaryKey: ['id'],
      indexes: [['email'], ['email_domain']],
    },
    addresses: {
      columns: { customer_id: 'text', street: 'text', postal_code: 'text', city: 'text', country: 'text' },
      primaryKey: ['customer_id'],
      indexes: [['country', 'city']],
    },
  },
  handlers: {
    CustomerRegistered: {
      keys: () => [],
      apply: (e, store) => {
        const { firstName, lastName, email, phone, marketingOptIn, address } = e.data;
        store.upsert('customers', {
          id: e.streamId,
          first_name: firstName,
          last_name: lastName,
          email,
          email_domain: domainOf(email),
          phone,
          marketing_opt_in: marketingOptIn,
          registered_at: e.time,
        });
        store.upsert('addresses', {
          customer_id: e.streamId,
          street: address.street,
          postal_code: address.postalCode,
          city: address.city,
          country: address.country,
        });
      },
    },
    CustomerDetailsChanged: {
      keys: (e) => [{ table: 'customers', key: { id: e.streamId } }],
      apply: (e, store) => {
        const { firstName, lastName, phone } = e.data;
        store.patch('customers', { id: e.streamId }, (c) => ({
          ...c,
          first_name: firstName,
          last_name: lastName,
          phone,
        }));
      },
    },
    CustomerEmailChanged: {
      keys: (e) => [{ table: 'customers', key: { id: e.streamId } }],
      apply: (e, store) => {
        const { email } = e.data;
        store.patch('customers', { id: e.streamId }, (c) => ({ ...c, email, email_domain: domainOf(email) }));
      },
    },
    CustomerMoved: {
      keys: () => [],
      apply: (e, store) => {
        const { address } = e.data;
        store.upsert('addresses', {
          customer_id: e.streamId,
          street: address.street,
          postal_code: address.postalCode,
          city: address.city,
          country: address.country,
        });
      },
    },
    CustomerErased: {
      keys: () => [],
      apply: (e, store) => {
        store.delete('customers', { id: e.streamId });
        store.delete('addresses', { customer_id: e.streamId });
      },
    },
  },
  checks: [
    { kind: 'same-count', name: 'every customer of v1 is here', table: 'customers' },
    {
      kind: 'same-rows',
      name: 'every customer reads as in v1 (name, email, city)',
      sql: customersAsV1,
      key: ['id'],
      columns: ['full_name', 'email', 'city'],
      against: { table: 'customers' },
    },
  ],
  readAs: { customers: customersAsV1 },
});
