import type {
  CustomerDetailsChanged,
  CustomerEmailChanged,
  CustomerMoved,
  CustomerRegistered,
} from '../../../events/index.ts';
import { customerDirectoryV2 } from '../../../projections/customer-directory/v2.ts';
import type { DataOf } from '../../../src/contracts/index.ts';
import { tableName, type PeerProjection, type PeerValue, type Statement } from './PeerProjection.ts';

type Customer = {
  first_name: string;
  last_name: string;
  email: string;
  email_domain: string;
  phone: string | null;
  marketing_opt_in: boolean;
  registered_at: string;
};
type Address = { street: string; postal_code: string; city: string; country: string };

/** As projections/customer-directory/v2.ts has it. */
const domainOf = (email: string): string => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

const customers = tableName(customerDirectoryV2, 'customers');
const addresses = tableName(customerDirectoryV2, 'addresses');
const upsertAddress = `insert into ${addresses} (customer_id, street, postal_code, city, country)
  values ($1, $2, $3, $4, $5)
  on conflict (customer_id) do update set street = excluded.street,
    postal_code = excluded.postal_code, city = excluded.city, country = excluded.country`;

/** customer-directory v2 by hand: what each handler does, without the engine. */
export const customerDirectoryPeer: PeerProjection = {
  definition: customerDirectoryV2,
  types: new Set(Object.keys(customerDirectoryV2.handlers)),
  createFold: () => {
    const byId = new Map<string, Customer>();
    const addressOf = new Map<string, Address>();
    return {
      apply: (e) => {
        switch (e.type) {
          case 'CustomerRegistered': {
            const d = e.data as DataOf<typeof CustomerRegistered>;
            byId.set(e.streamId, {
              first_name: d.firstName,
              last_name: d.lastName,
              email: d.email,
              email_domain: domainOf(d.email),
              phone: d.phone,
              marketing_opt_in: d.marketingOptIn,
              registered_at: e.time,
            });
            const { street, postalCode, city, country } = d.address;
            addressOf.set(e.streamId, { street, postal_code: postalCode, city, country });
            return;
          }
          case 'CustomerDetailsChanged': {
            const c = byId.get(e.streamId);
            if (c === undefined) return;
            const d = e.data as DataOf<typeof CustomerDetailsChanged>;
            c.first_name = d.firstName;
            c.last_name = d.lastName;
            c.phone = d.phone;
            return;
          }
          case 'CustomerEmailChanged': {
            const c = byId.get(e.streamId);
            if (c === undefined) return;
            const { email } = e.data as DataOf<typeof CustomerEmailChanged>;
            c.email = email;
            c.email_domain = domainOf(email);
            return;
          }
          case 'CustomerMoved': {
            const { street, postalCode, city, country } = (e.data as DataOf<typeof CustomerMoved>).address;
            addressOf.set(e.streamId, { street, postal_code: postalCode, city, country });
            return;
          }
          case 'CustomerErased':
            byId.delete(e.streamId);
            addressOf.delete(e.streamId);
            return;
        }
      },
      rows: () =>
        new Map<string, Readonly<Record<string, PeerValue>>[]>([
          ['customers', [...byId].map(([id, c]) => ({ id, ...c }))],
          ['addresses', [...addressOf].map(([id, a]) => ({ customer_id: id, ...a }))],
        ]),
    };
  },
  statement: (e): Statement | undefined => {
    switch (e.type) {
      case 'CustomerRegistered': {
        const d = e.data as DataOf<typeof CustomerRegistered>;
        const { street, postalCode, city, country } = d.address;
        return {
          text: `with c as (
              insert into ${customers}
                (id, first_name, last_name, email, email_domain, phone, marketing_opt_in, registered_at)
              values ($1, $2, $3, $4, $5, $6, $7, $8)
              on conflict (id) do update set first_name = excluded.first_name,
                last_name = excluded.last_name, email = excluded.email,
                email_domain = excluded.email_domain, phone = excluded.phone,
                marketing_opt_in = excluded.marketing_opt_in, registered_at = excluded.registered_at)
            insert into ${addresses} (customer_id, street, postal_code, city, country)
            values ($1, $9, $10, $11, $12)
            on conflict (customer_id) do update set street = excluded.street,
              postal_code = excluded.postal_code, city = excluded.city, country = excluded.country`,
          values: [
            e.streamId,
            d.firstName,
            d.lastName,
            d.email,
            domainOf(d.email),
            d.phone,
            d.marketingOptIn,
            e.time,
            street,
            postalCode,
            city,
            country,
          ],
        };
      }
      case 'CustomerDetailsChanged': {
        const d = e.data as DataOf<typeof CustomerDetailsChanged>;
        return {
          text: `update ${customers} set first_name = $2, last_name = $3, phone = $4 where id = $1`,
          values: [e.streamId, d.firstName, d.lastName, d.phone],
        };
      }
      case 'CustomerEmailChanged': {
        const { email } = e.data as DataOf<typeof CustomerEmailChanged>;
        return {
          text: `update ${customers} set email = $2, email_domain = $3 where id = $1`,
          values: [e.streamId, email, domainOf(email)],
        };
      }
      case 'CustomerMoved': {
        const { street, postalCode, city, country } = (e.data as DataOf<typeof CustomerMoved>).address;
        return { text: upsertAddress, values: [e.streamId, street, postalCode, city, country] };
      }
      case 'CustomerErased':
        return {
          text: `with c as (delete from ${customers} where id = $1) delete from ${addresses} where customer_id = $1`,
          values: [e.streamId],
        };
      default:
        return undefined;
    }
  },
};
