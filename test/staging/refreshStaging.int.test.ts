import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractRegistry } from '../../events/index.ts';
import { projections } from '../../projections/index.ts';
import { isProjectionistError } from '../../src/errors/index.ts';
import {
  Appender,
  createEnvelope,
  ensureTopics,
  highWatermarks,
  type LogClient,
} from '../../src/log/index.ts';
import { activateVersion } from '../../src/rebuild/index.ts';
import { contractsDecoder, replayProjection } from '../../src/projections/index.ts';
import { migrateRegistry } from '../../src/registry/index.ts';
import { createLogger } from '../../src/logger/index.ts';
import { refreshStaging } from '../../src/staging/index.ts';
import { testLogClient, useTestDatabase } from '../harness/testServices.ts';
import { canaries as fixtureCanaries, findLeaks } from './fixtures/canaries.ts';

const key = 'staging-test-key-0123456789abcdef0123456789';
const otherKey = 'another-staging-key-abcdefghijklmnopqrstuvwxyz';

/** Personal values that must never reach staging, in any column or casing. */
const canaries = {
  firstNames: ['Zebulonia', 'Quirinella', 'Thaddeusina'],
  lastNames: ['Vanderpumpkin', 'Oksenbergova', 'Wolfeschlegel'],
  emails: ['zebulonia.vdp@canary-mail.test', 'quirinella@canary-mail.test', 'thaddeusina.w@canary-mail.test'],
  phones: ['+31 6 9876 5432', '+44 7700 900123', '+1 202 555 0187'],
  streets: ['Canarystraat 771', 'Sparrow Lane 99', 'Finchweg 12'],
  postalCodes: ['8765 QX', 'ZX1 9QQ', '73519'],
  cities: ['Kanarieburg', 'Sparrowford', 'Finchville'],
  birthDates: ['1961-07-23', '1977-11-02', '1990-02-14'],
  gift: 'Happy birthday Zebulonia, love from the canary aviary',
  customerIds: ['cust-zebulonia-vdp', 'cust-quirinella-o', 'cust-thaddeusina-w'],
};
const canaryStrings = (): string[] => [
  ...canaries.firstNames,
  ...canaries.lastNames,
  ...canaries.emails,
  ...canaries.emails.map((e) => e.split('@')[0] ?? e),
  ...canaries.phones,
  ...canaries.phones.map((p) => p.replace(/\D/g, '')),
  ...canaries.streets,
  ...canaries.postalCodes,
  ...canaries.cities,
  ...canaries.birthDates,
  'canary aviary',
  ...canaries.customerIds,
];

/**
 * Keys that are data, as a sloppy writer might send them: objects keyed by a customer id or an
 * email, metadata counting by person. Stray, so the filter strips them; the summary must not
 * name them.
 */
const canaryKeys = (i: number): Record<string, number> => ({
  [canaries.customerIds[i]!]: 1,
  [canaries.emails[i]!]: 1,
  [canaries.firstNames[i]!]: 1,
  [fixtureCanaries.identifier]: 1,
  'cust-4711-ada@example.com': 1,
});

const seed = async (client: LogClient) => {
  const appender = await new Appender(client).connect();
  try {
    const events = canaries.customerIds.flatMap((id, i) => {
      const metadata = { ...canaryKeys(i), [fixtureCanaries.name]: 1 };
      const address = {
        street: canaries.streets[i]!,
        postalCode: canaries.postalCodes[i]!,
        city: canaries.cities[i]!,
      };
      const registered =
        i === 0
          ? // yesterday's format: one name, Dutch address
            createEnvelope({
              type: 'CustomerRegistered',
              version: 1,
              streamId: id,
              data: {
                name: `${canaries.firstNames[i]} ${canaries.lastNames[i]}`,
                email: canaries.emails[i],
                birthDate: canaries.birthDates[i],
                address,
              },
            })
          : createEnvelope({
              type: 'CustomerRegistered',
              version: 3,
              streamId: id,
              metadata,
              data: {
                ...canaryKeys(i),
                firstName: canaries.firstNames[i],
                lastName: canaries.lastNames[i],
                email: canaries.emails[i],
                phone: canaries.phones[i],
                birthDate: canaries.birthDates[i],
                address: { ...address, country: 'NL' },
                marketingOptIn: i % 2 === 0,
              },
            });
      const orders = [1, 2].map((n) =>
        createEnvelope({
          type: 'OrderPlaced',
          version: 2,
          streamId: `ord-${i}-${n}`,
          metadata,
          data: {
            customerId: id,
            lines: [{ sku: 'TEA-SENCHA-100', quantity: n + i, unitPriceCents: 899 }],
            currency: 'EUR',
            totalCents: 899 * (n + i),
            deliveryAddress: { ...address, country: 'NL', ...canaryKeys(i) },
            [id]: { points: n },
            giftMessage: n === 1 ? canaries.gift : null,
          },
        }),
      );
      return [
        registered,
        createEnvelope({
          type: 'CustomerEmailChanged',
          version: 1,
          streamId: id,
          data: { email: canaries.emails[i] },
        }),
        ...orders,
      ];
    });
    await appender.append(events);
  } finally {
    await appender.close();
  }
};

/** Every text and JSON value of every table in a database, as one lower-cased haystack per row. */
const allText = async (pool: pg.Pool, schemaLike = '%'): Promise<string[]> => {
  const columns = await pool.query<{ table_schema: string; table_name: string; column_name: string }>(
    `select c.table_schema, c.table_name, c.column_name from information_schema.columns c
     join information_schema.tables t using (table_schema, table_name)
     where t.table_type = 'BASE TABLE' and c.table_schema not in ('pg_catalog', 'information_schema')
       and c.data_type in ('text', 'character varying', 'jsonb', 'json', 'date', 'timestamp with time zone')
       and c.table_schema like $1`,
    [schemaLike],
  );
  const out: string[] = [];
  for (const c of columns.rows) {
    const rows = await pool.query<{ v: string | null }>(
      `select "${c.column_name}"::text as v from "${c.table_schema}"."${c.table_name}"`,
    );
    for (const r of rows.rows) if (r.v !== null) out.push(r.v.toLowerCase());
  }
  return out;
};

const leaks = (haystack: readonly string[]) =>
  canaryStrings().filter((c) => haystack.some((h) => h.includes(c.toLowerCase())));

describe('staging refresh', () => {
  let client: LogClient;
  let production: pg.Pool;
  const definitions = projections.filter((p) => !(p.name === 'customer-directory' && p.version === 1));

  beforeAll(async () => {
    client = testLogClient();
    await ensureTopics({ client, eventsPartitions: 3, commandsPartitions: 1, replicationFactor: 1 });
    await seed(client);
    production = new pg.Pool({ connectionString: await useTestDatabase(), max: 4 });
    // Open every connection now, so connections the pool keeps are not counted as leaks.
    await Promise.all([1, 2, 3, 4].map(() => production.query('select pg_sleep(0.05)')));
    await migrateRegistry({ pool: production });
    const until = await highWatermarks({ client, topic: client.topics.events });
    for (const definition of definitions) {
      await replayProjection({
        pool: production,
        client,
        definition,
        decode: contractsDecoder(contractRegistry),
        until,
      });
      await activateVersion({
        pool: production,
        projection: definition.name,
        version: definition.version,
        actor: 'test',
      });
    }
    // the production tables do hold the canaries: the scan would find them
    expect(leaks(await allText(production)).length).toBeGreaterThan(10);
  });
  afterAll(async () => {
    await production.end();
    await client.close();
  });

  /** A refresh of this file's production into `staging`, under `key` unless `options` say otherwise. */
  const refreshOnce = (staging: pg.Pool, options: Partial<Parameters<typeof refreshStaging>[0]> = {}) =>
    refreshStaging({ production, staging, client, registry: contractRegistry, definitions, key, ...options });

  const refreshInto = async (options: Partial<Parameters<typeof refreshStaging>[0]> = {}) => {
    const staging = new pg.Pool({ connectionString: await useTestDatabase() });
    return { staging, result: await refreshOnce(staging, options) };
  };

  it('copies no canary personal value into any table of the staging database', async () => {
    const { staging, result } = await refreshInto();
    try {
      expect(result.projections.map((p) => p.name).sort()).toEqual([
        'customer-directory',
        'daily-revenue',
        'order-totals',
      ]);
      const text = await allText(staging);
      expect(text.length).toBeGreaterThan(20);
      expect(leaks(text)).toEqual([]);
      expect(result.summary.types.CustomerRegistered?.passed).toBe(3);
    } finally {
      await staging.end();
    }
  });

  it('names stripped keys by contract path only: no key found in the data reaches the summary, the staging database or a log line', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'debug',
      destination: {
        write: (line: string) => {
          lines.push(line);
        },
      },
    });
    const staging = new pg.Pool({ connectionString: await useTestDatabase() });
    try {
      const result = await refreshOnce(staging, { logger });
      const { types } = result.summary;
      // six orders, each with one object keyed by a customer id and five stray keys in its address
      expect(types.OrderPlaced?.strippedFields).toEqual({ 'v2 data.*': 6, 'v2 data.deliveryAddress.*': 30 });
      expect(types.OrderPlaced?.strippedMetadata).toEqual({ 'metadata.*': 36 });
      expect(types.CustomerRegistered?.strippedFields).toEqual({ 'v3 data.*': 10 });
      expect(types.CustomerRegistered?.strippedMetadata).toEqual({ 'metadata.*': 12 });

      expect(lines.length).toBeGreaterThan(0);
      expect(lines.join('\n')).toContain('staging refresh done');
      const stored = await allText(staging);
      expect(stored.some((text) => text.includes('v2 data.deliveryaddress.*'))).toBe(true);
      for (const haystack of [[JSON.stringify(result.summary)], stored, lines]) {
        expect(leaks(haystack.map((h) => h.toLowerCase()))).toEqual([]);
        expect(haystack.flatMap(findLeaks)).toEqual([]);
        expect(haystack.some((h) => h.includes('cust-4711'))).toBe(false);
      }
    } finally {
      await staging.end();
    }
  });

  it('finds the canary when a fixture policy keeps a personal field (the check bites)', async () => {
    const { staging } = await refreshInto({ policy: { tags: { email: 'keep' } } });
    try {
      expect(leaks(await allText(staging))).toEqual(expect.arrayContaining([canaries.emails[1]]));
    } finally {
      await staging.end();
    }
  });

  it('keeps joins: order totals per pseudonymized customer equal production totals', async () => {
    const { staging } = await refreshInto();
    try {
      const totals = (pool: pg.Pool) =>
        pool
          .query<{ customer_id: string; total: string }>(
            `select customer_id, sum(total_cents)::text as total from order_totals.orders group by customer_id order by total`,
          )
          .then((r) => r.rows);
      const prod = await totals(production);
      const stag = await totals(staging);
      expect(stag.map((r) => r.total)).toEqual(prod.map((r) => r.total));
      // the pseudonymized customer ids of the orders are the ids of the staging customers
      const customers = new Set(
        (await staging.query<{ id: string }>(`select id from customer_directory.customers`)).rows.map(
          (r) => r.id,
        ),
      );
      expect(customers.size).toBe(3);
      for (const r of stag) expect(customers.has(r.customer_id)).toBe(true);
    } finally {
      await staging.end();
    }
  });

  it('gives the same staging data for the same key, and other data for another key', async () => {
    const snapshot = async (k: string) => {
      const { staging } = await refreshInto({ key: k });
      try {
        // the projections' own tables (the registry holds run times and lease holders)
        return (await allText(staging, '%\\_\\_v%')).sort();
      } finally {
        await staging.end();
      }
    };
    const [a, b, c] = [await snapshot(key), await snapshot(key), await snapshot(otherKey)];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('continues from where the last refresh stopped', async () => {
    const { staging } = await refreshInto();
    try {
      await seed(client); // more production events (same customers registered again are skipped by the decider-free projection as upserts)
      const again = await refreshOnce(staging);
      const registered = again.summary.types.CustomerRegistered;
      expect(registered?.passed).toBe(3); // only the new events were read
      expect(leaks(await allText(staging))).toEqual([]);
    } finally {
      await staging.end();
    }
  });

  it('refuses the production database as its target, and a missing key, changing nothing', async () => {
    const same = await refreshOnce(production).catch((e: unknown) => e);
    expect(isProjectionistError(same, 'PRJ_STAGING_REFUSED')).toBe(true);
    const staging = new pg.Pool({ connectionString: await useTestDatabase() });
    try {
      const noKey = await refreshOnce(staging, { key: undefined }).catch((e: unknown) => e);
      expect(isProjectionistError(noKey, 'PRJ_STAGING_KEY_MISSING')).toBe(true);
      const tables = await staging.query(
        `select 1 from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')`,
      );
      expect(tables.rowCount).toBe(0);
    } finally {
      await staging.end();
    }
  });
});
