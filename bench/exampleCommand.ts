import { randomUUID } from 'node:crypto';

const address = { street: 'Keizersgracht 123', postalCode: '1015 CJ', city: 'Amsterdam', country: 'NL' };

/**
 * The `index`-th command of a stream of example-domain commands, each on a stream of its own:
 * RegisterCustomer, PlaceOrder (for that customer), RecordPayment (for that order), in turn.
 * `tag` keeps the stream ids of different runs apart. All three are accepted and applied.
 */
export const exampleCommand = (
  index: number,
  tag: string,
): { id: string; streamId: string; body: string } => {
  const n = Math.floor(index / 3);
  const customerId = `cus-${tag}-${n}`;
  const orderId = `ord-${tag}-${n}`;
  const id = randomUUID();
  const [type, version, streamId, payload] =
    index % 3 === 0
      ? ([
          'RegisterCustomer',
          2,
          customerId,
          {
            firstName: 'Ada',
            lastName: `Lovelace ${n}`,
            email: `${customerId}@example.com`,
            phone: '+31 20 123 4567',
            birthDate: '1815-12-10',
            address,
            marketingOptIn: n % 2 === 0,
          },
        ] as const)
      : index % 3 === 1
        ? ([
            'PlaceOrder',
            1,
            orderId,
            {
              customerId,
              lines: [
                { sku: 'TEA-EARL-GREY-250', quantity: 1 + (n % 4), unitPriceCents: 650 },
                { sku: 'TEA-ROOIBOS-250', quantity: 1, unitPriceCents: 575 },
              ],
              currency: 'EUR',
              deliveryAddress: address,
              giftMessage: null,
            },
          ] as const)
        : ([
            'RecordPayment',
            2,
            `pay-${tag}-${n}`,
            { orderId, amountCents: 1875, currency: 'EUR', method: 'card', reference: `Order ${n}` },
          ] as const);
  return { id, streamId, body: JSON.stringify({ id, type, version, streamId, payload }) };
};
