import { describe, expect, it } from 'vitest';
import { foldState, type DataOf } from '../../src/contracts/index.ts';
import { AddOrderLine, CancelOrder, PlaceOrder, ShipOrder, orderAggregate } from '../../events/index.ts';
import { decideAfter } from './decideAfter.ts';

const placement: DataOf<typeof PlaceOrder> = {
  customerId: 'cus-0001',
  lines: [
    { sku: 'TEA-EARL-GREY-250', quantity: 2, unitPriceCents: 650 },
    { sku: 'MUG-DELFT-BLUE', quantity: 1, unitPriceCents: 1495 },
  ],
  currency: 'EUR',
  deliveryAddress: { street: 'Keizersgracht 123', postalCode: '1015 CJ', city: 'Amsterdam', country: 'NL' },
  giftMessage: null,
};
const placed = { type: 'OrderPlaced', data: { ...placement, totalCents: 2795 } } as const;
const shipped = { type: 'OrderShipped', data: { carrier: 'postnl', trackingCode: '3SABCD1234567' } } as const;
const cancelled = { type: 'OrderCancelled', data: { reason: 'Ordered twice by mistake' } } as const;
const rooibos = { sku: 'TEA-ROOIBOS-250', quantity: 2, unitPriceCents: 575 };

describe('PlaceOrder', () => {
  it('places an order with the total of its lines', () => {
    expect(decideAfter({ contract: PlaceOrder, command: placement })).toEqual({ events: [placed] });
  });

  it('rejects an order without lines', () => {
    expect(decideAfter({ contract: PlaceOrder, command: { ...placement, lines: [] } })).toEqual({
      rejected: 'an order needs at least one line',
    });
  });

  it('rejects placing an order whose id is taken', () => {
    expect(decideAfter({ contract: PlaceOrder, command: placement, history: [placed] })).toEqual({
      rejected: 'an order with this id already exists',
    });
  });
});

describe('AddOrderLine', () => {
  it('adds a line to a placed order, which raises its total', () => {
    const decision = decideAfter({ contract: AddOrderLine, command: rooibos, history: [placed] });
    expect(decision).toEqual({ events: [{ type: 'OrderLineAdded', data: rooibos }] });
    if (!('events' in decision)) return;
    expect(foldState({ aggregate: orderAggregate, events: [placed, ...decision.events] })).toMatchObject({
      status: 'placed',
      totalCents: 2795 + 2 * 575,
      lineCount: 3,
    });
  });

  it('rejects a line for a shipped order or one that does not exist', () => {
    expect(decideAfter({ contract: AddOrderLine, command: rooibos, history: [placed, shipped] })).toEqual({
      rejected: 'the order is shipped',
    });
    expect(decideAfter({ contract: AddOrderLine, command: rooibos })).toEqual({
      rejected: 'there is no such order',
    });
  });
});

describe('CancelOrder', () => {
  const command = { reason: 'Ordered twice by mistake' };

  it('cancels a placed order, and changes nothing when asked again', () => {
    expect(decideAfter({ contract: CancelOrder, command, history: [placed] })).toEqual({
      events: [cancelled],
    });
    expect(decideAfter({ contract: CancelOrder, command, history: [placed, cancelled] })).toEqual({
      events: [],
    });
  });

  it('rejects cancelling a shipped order', () => {
    expect(decideAfter({ contract: CancelOrder, command, history: [placed, shipped] })).toEqual({
      rejected: 'a shipped order cannot be cancelled',
    });
  });

  it('rejects cancelling an order that does not exist', () => {
    expect(decideAfter({ contract: CancelOrder, command })).toEqual({ rejected: 'there is no such order' });
  });
});

describe('ShipOrder', () => {
  it('ships a placed order once', () => {
    expect(decideAfter({ contract: ShipOrder, command: shipped.data, history: [placed] })).toEqual({
      events: [shipped],
    });
    expect(decideAfter({ contract: ShipOrder, command: shipped.data, history: [placed, shipped] })).toEqual({
      rejected: 'the order is already shipped',
    });
  });

  it('rejects shipping a cancelled order', () => {
    expect(decideAfter({ contract: ShipOrder, command: shipped.data, history: [placed, cancelled] })).toEqual(
      {
        rejected: 'the order is already cancelled',
      },
    );
  });
});
