// The demo's commands, made from the contracts' golden samples: only what tells the customers
// and orders apart (names, emails, streets, cities, quantities) is the demo's own.
import { randomUUID } from 'node:crypto';
import { PlaceOrder, RegisterCustomer } from '../events/index.ts';
import { sampleOf, sampleOfVersion } from '../src/testing/index.ts';

const cities = ['Washington', 'Utrecht', 'Paris'];

/** Customer `i`'s registration; one in ten in yesterday's v1 format, as some services still send. */
export const registerCustomer = (i: number) => {
  const streamId = `cus-${i}`;
  if (i % 10 === 0) {
    const v1 = sampleOfVersion(RegisterCustomer, 1);
    const payload = {
      ...v1,
      name: `Ada Lovelace ${i}`,
      email: `ada${i}@example.com`,
      address: { ...(v1.address as object), street: `Keizersgracht ${i}` },
    };
    return { id: randomUUID(), type: 'RegisterCustomer', version: 1, streamId, payload };
  }
  const v2 = sampleOf(RegisterCustomer);
  const payload = sampleOf(RegisterCustomer, {
    lastName: `Hopper ${i}`,
    email: `grace${i}@example.com`,
    phone: null,
    address: { ...v2.address, street: `${i} Navy Yard`, city: cities[i % 3] ?? 'Paris' },
    marketingOptIn: i % 2 === 0,
  });
  return { id: randomUUID(), type: 'RegisterCustomer', version: 2, streamId, payload };
};

/** Order `n` of customer `i`. */
export const placeOrder = (i: number, n: number) => {
  const payload = sampleOf(PlaceOrder, {
    customerId: `cus-${i}`,
    lines: sampleOf(PlaceOrder).lines.map((line) => ({ ...line, quantity: 1 + n })),
  });
  return { id: randomUUID(), type: 'PlaceOrder', version: 1, streamId: `ord-${i}-${n}`, payload };
};
