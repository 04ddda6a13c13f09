import { createEnvelope, type Envelope } from '../../../src/log/index.ts';
import { seeded } from '../../projections/support/ledgerEvents.ts';

const cities = [
  ['Amsterdam', 'NL', '1015 CJ'],
  ['Utrecht', 'NL', '3511 AZ'],
  ['Paris', 'FR', '75001'],
  ['Washington', 'US', '20374'],
] as const;
const names = ['Ada', 'Grace', 'Hedy', 'Anna Maria', 'Multatuli', 'Émilie', "O'Brien"] as const;
const domains = ['example.com', 'Example.NL', 'mail.example.org'] as const;

const pick = <T>(items: readonly T[], random: () => number): T =>
  items[Math.floor(random() * items.length)] as T;

/**
 * A customer history through the real contracts, every version of each: `count` events over
 * `customers` streams; a registration first per stream (v1, v2 or v3 data), then details,
 * email and address changes (CustomerMoved v1 and v2) and erasures. Deterministic per seed.
 */
export const customerEvents = (options: {
  count: number;
  customers: number;
  seed?: number;
  prefix?: string;
  /** Time of the first event; the rest follow a few seconds apart. */
  start?: string;
}): Envelope[] => {
  const random = seeded(options.seed ?? 1);
  const prefix = options.prefix ?? 'cus';
  const registered = new Set<number>();
  const erased = new Set<number>();
  const out: Envelope[] = [];
  const base = Date.parse(options.start ?? '2024-03-01T00:00:00.000Z');
  for (let i = 0; i < options.count; i++) {
    const n = Math.floor(random() * options.customers);
    const streamId = `${prefix}-${n}`;
    const time = new Date(base + i * 3_000 + Math.floor(random() * 1_000)).toISOString();
    const event = (type: string, version: number, data: unknown) =>
      out.push(createEnvelope({ type, version, streamId, time, data }));
    const [city, country, postalCode] = pick(cities, random);
    const firstName = pick(names, random);
    const email = `c${n}.${i}@${pick(domains, random)}`;
    const roll = random();
    if (erased.has(n)) continue;
    if (!registered.has(n)) {
      registered.add(n);
      const version = 1 + Math.floor(random() * 3);
      const dutch = { street: `Main ${n}`, postalCode: '1015 CJ', city: 'Amsterdam' };
      if (version === 1)
        event('CustomerRegistered', 1, {
          name: `${firstName} Example${n}`,
          email,
          birthDate: '1990-01-01',
          address: dutch,
        });
      else if (version === 2)
        event('CustomerRegistered', 2, {
          firstName,
          lastName: `Example${n}`,
          email,
          phone: n % 2 === 0 ? null : `+31 6 ${n}`,
          birthDate: '1990-01-01',
          address: dutch,
        });
      else
        event('CustomerRegistered', 3, {
          firstName,
          lastName: `Example${n}`,
          email,
          phone: null,
          birthDate: '1990-01-01',
          address: { street: `Road ${n}`, postalCode, city, country },
          marketingOptIn: n % 3 === 0,
        });
    } else if (roll < 0.3) {
      event('CustomerDetailsChanged', 1, { firstName, lastName: `Renamed${i}`, phone: null });
    } else if (roll < 0.6) {
      event('CustomerEmailChanged', 1, { email });
    } else if (roll < 0.8) {
      event('CustomerMoved', 1, { street: `Lane ${i}`, postalCode: '3511 AZ', city: 'Utrecht' });
    } else if (roll < 0.97) {
      event('CustomerMoved', 2, { address: { street: `Rue ${i}`, postalCode, city, country } });
    } else {
      erased.add(n);
      event('CustomerErased', 1, { reason: 'gdpr-request' });
    }
  }
  return out;
};
