import { createEnvelope, type Envelope } from '../../src/log/index.ts';

/** A small seeded generator (mulberry32): the same seed gives the same log on every run. */
const seeded = (seed: number) => {
  let a = seed >>> 0;
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const cities = [
  ['Amsterdam', '1015 CJ', 'NL'],
  ['Utrecht', '3512 JE', 'NL'],
  ['Rotterdam', '3011 AD', 'NL'],
  ['Antwerpen', '2000', 'BE'],
  ['Paris', '75001', 'FR'],
  ['Berlin', '10115', 'DE'],
] as const;
const skus = ['TEA-EARL-GREY-250', 'TEA-ROOIBOS-250', 'TEA-SENCHA-100', 'MUG-DELFT-BLUE', 'POT-CAST-IRON'];
const currencies = ['EUR', 'EUR', 'EUR', 'EUR', 'GBP', 'USD'];
const carriers = ['postnl', 'dhl', 'ups'] as const;
const methods = ['card', 'ideal', 'bank-transfer'] as const;

/**
 * The example domain's events as its writers write them (the newest version of every contract),
 * `count` of them, in a realistic mix: customers register and now and then move or change their
 * email; each places orders (one or more lines added later), which are shipped or sometimes
 * cancelled, paid, and sometimes partly refunded. Follow-ups of a stream come after its first
 * event, spread over the next few thousand events, so streams interleave as in a live shop.
 * The mix, in the long run: about 7% CustomerRegistered, 2% CustomerMoved, 2% CustomerEmailChanged,
 * 21% OrderPlaced, 21% OrderLineAdded, 18% OrderShipped, 2% OrderCancelled, 21% PaymentReceived,
 * 1% PaymentRefunded (the rest: more of the same, from the random draws).
 * `tag` keeps the stream ids of different logs apart. Deterministic for a given tag and seed.
 */
export function* exampleEvents(options: { count: number; tag: string; seed?: number }): Generator<Envelope> {
  const random = seeded(options.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const { count, tag } = options;
  /** Follow-up events due at a later step. */
  const due = new Map<number, Envelope[]>();
  const later = (step: number, envelope: Envelope) => {
    const at = step + 1 + Math.floor(random() * 4_000);
    const list = due.get(at);
    if (list === undefined) due.set(at, [envelope]);
    else list.push(envelope);
  };
  const base = Date.parse('2026-01-01T00:00:00Z');
  const at = (step: number) => new Date(base + step * 50).toISOString();
  let customers = 0;
  let orders = 0;
  let payments = 0;
  let emitted = 0;
  for (let step = 0; emitted < count; step++) {
    const now = at(step);
    const ready = due.get(step);
    if (ready !== undefined) {
      due.delete(step);
      for (const envelope of ready) {
        if (emitted >= count) return;
        emitted++;
        yield { ...envelope, time: now };
      }
    }
    if (emitted >= count) return;
    // A new customer about one step in three, else an order of a recent customer.
    if (customers === 0 || random() < 0.3) {
      const id = `cus-${tag}-${customers++}`;
      const [city, postalCode, country] = pick(cities);
      emitted++;
      yield createEnvelope({
        type: 'CustomerRegistered',
        version: 3,
        streamId: id,
        time: now,
        data: {
          firstName: 'Ada',
          lastName: `Lovelace ${customers}`,
          email: `${id}@example.com`,
          phone: random() < 0.5 ? '+31 20 123 4567' : null,
          birthDate: '1815-12-10',
          address: { street: `Keizersgracht ${customers % 500}`, postalCode, city, country },
          marketingOptIn: random() < 0.4,
        },
      });
      if (random() < 0.3) {
        const [city2, postalCode2, country2] = pick(cities);
        later(step, {
          ...createEnvelope({
            type: 'CustomerMoved',
            version: 2,
            streamId: id,
            data: {
              address: { street: 'Oudegracht 158', postalCode: postalCode2, city: city2, country: country2 },
            },
          }),
        });
      }
      if (random() < 0.3)
        later(
          step,
          createEnvelope({
            type: 'CustomerEmailChanged',
            version: 1,
            streamId: id,
            data: { email: `${id}.new@example.org` },
          }),
        );
    } else {
      // A recent customer: the last few thousand registered.
      const customer = Math.max(0, customers - 1 - Math.floor(random() * Math.min(customers, 5_000)));
      const orderId = `ord-${tag}-${orders++}`;
      const lines = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
        sku: pick(skus),
        quantity: 1 + Math.floor(random() * 4),
        unitPriceCents: 100 + Math.floor(random() * 3_000),
      }));
      const totalCents = lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
      const [city, postalCode, country] = pick(cities);
      const currency = pick(currencies);
      emitted++;
      yield createEnvelope({
        type: 'OrderPlaced',
        version: 2,
        streamId: orderId,
        time: now,
        data: {
          customerId: `cus-${tag}-${customer}`,
          lines,
          currency,
          totalCents,
          deliveryAddress: { street: 'Domplein 29', postalCode, city, country },
          giftMessage: random() < 0.1 ? 'Happy birthday!' : null,
        },
      });
      const added = random() < 0.6 ? 1 + Math.floor(random() * 2) : 0;
      for (let i = 0; i < added; i++)
        later(
          step,
          createEnvelope({
            type: 'OrderLineAdded',
            version: 1,
            streamId: orderId,
            data: { sku: pick(skus), quantity: 1 + Math.floor(random() * 3), unitPriceCents: 575 },
          }),
        );
      const paymentId = `pay-${tag}-${payments++}`;
      later(
        step,
        createEnvelope({
          type: 'PaymentReceived',
          version: 2,
          streamId: paymentId,
          data: {
            orderId,
            amountCents: totalCents,
            currency,
            method: pick(methods),
            reference: random() < 0.2 ? `Order ${orderId}` : null,
          },
        }),
      );
      if (random() < 0.05)
        later(
          step,
          createEnvelope({
            type: 'PaymentRefunded',
            version: 1,
            streamId: paymentId,
            data: { amountCents: Math.min(500, totalCents), currency, reason: 'Mug arrived broken' },
          }),
        );
      // Follow-ups of one stream are emitted in the order scheduled only by chance; the
      // projections tolerate it (a line after shipping is ignored), as they must for a real log.
      if (random() < 0.1)
        later(
          step,
          createEnvelope({
            type: 'OrderCancelled',
            version: 1,
            streamId: orderId,
            data: { reason: 'Ordered twice by mistake' },
          }),
        );
      else if (random() < 0.95)
        later(
          step,
          createEnvelope({
            type: 'OrderShipped',
            version: 1,
            streamId: orderId,
            data: { carrier: pick(carriers), trackingCode: `3S${orders}` },
          }),
        );
    }
  }
}
