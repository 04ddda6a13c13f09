import { createEnvelope, type Envelope } from '../../../src/log/index.ts';

/** A deterministic pseudo-random source (mulberry32), so a failing run can be replayed. */
export const seeded = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const notes = ['plain', 'tab\there', 'new\nline', 'back\\slash', 'quote "q"', 'unicode ✓ é', '\\N', ''];

/**
 * A ledger history of `count` events over `accounts` streams: openings first per stream, then
 * deposits, withdrawals, renames (v1 and v2 data) and closures, with times spread over days.
 */
export const ledgerEvents = (options: {
  count: number;
  accounts: number;
  seed?: number;
  prefix?: string;
}): Envelope[] => {
  const random = seeded(options.seed ?? 1);
  const prefix = options.prefix ?? 'acct';
  const opened = new Set<number>();
  const closed = new Set<number>();
  const out: Envelope[] = [];
  const base = Date.parse('2024-03-01T00:00:00.000Z');
  for (let i = 0; i < options.count; i++) {
    const n = Math.floor(random() * options.accounts);
    const streamId = `${prefix}-${n}`;
    const time = new Date(base + i * 37_000 + Math.floor(random() * 1000)).toISOString();
    const owner = `owner-${n % 7}`;
    const roll = random();
    const event = (type: string, version: number, data: unknown) =>
      out.push(createEnvelope({ type, version, streamId, time, data }));
    if (!opened.has(n)) {
      opened.add(n);
      event('AccountOpened', 1, {
        owner,
        email: n % 5 === 0 ? '' : `${streamId}@example.com`,
        tags: n % 3 === 0 ? ['vip', `n${n}`] : undefined,
      });
    } else if (closed.has(n)) {
      event('Unrelated', 1, { n });
    } else if (roll < 0.45) {
      event('Deposited', 1, {
        amountCents: String(1 + Math.floor(random() * 10_000)),
        note: notes[i % notes.length] ?? '',
      });
    } else if (roll < 0.8) {
      event('Withdrawn', 1, { amountCents: String(1 + Math.floor(random() * 5_000)) });
    } else if (roll < 0.9) {
      const version = random() < 0.5 ? 1 : 2;
      event(
        'OwnerRenamed',
        version,
        version === 1 ? { name: `Ada L${i}` } : { firstName: 'Ada', lastName: `L${i}` },
      );
    } else if (roll < 0.93) {
      closed.add(n);
      event('AccountClosed', 1, { reason: `reason ${i}` });
    } else {
      event('Unrelated', 1, { n });
    }
  }
  return out;
};
