import { randomUUID } from 'node:crypto';
import { PlaceOrder, RecordPayment, RegisterCustomer } from '../events/index.ts';
import { sampleOf } from '../src/testing/index.ts';

/**
 * The `index`-th command of a stream of example-domain commands, each on a stream of its own:
 * RegisterCustomer, PlaceOrder (for that customer), RecordPayment (for that order), in turn,
 * each the golden sample of its newest version with the ids (and a few values) of its own.
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
          RegisterCustomer.type,
          RegisterCustomer.latestVersion,
          customerId,
          sampleOf(RegisterCustomer, {
            lastName: `Hopper ${n}`,
            email: `${customerId}@example.com`,
            marketingOptIn: n % 2 === 0,
          }),
        ] as const)
      : index % 3 === 1
        ? ([
            PlaceOrder.type,
            PlaceOrder.latestVersion,
            orderId,
            sampleOf(PlaceOrder, {
              customerId,
              lines: [
                ...sampleOf(PlaceOrder).lines.map((line) => ({ ...line, quantity: 1 + (n % 4) })),
                { sku: 'TEA-ROOIBOS-250', quantity: 1, unitPriceCents: 575 },
              ],
            }),
          ] as const)
        : ([
            RecordPayment.type,
            RecordPayment.latestVersion,
            `pay-${tag}-${n}`,
            sampleOf(RecordPayment, { orderId, reference: `Order ${n}` }),
          ] as const);
  return { id, streamId, body: JSON.stringify({ id, type, version, streamId, payload }) };
};
