import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { projections } from '../../projections/index.ts';
import { Appender, createEnvelope } from '../../src/log/index.ts';
import { startProjectionist } from '../../src/main.ts';
import { eventually, testEnv } from '../harness/testEnv.ts';
import { useTestDatabase } from '../harness/testServices.ts';
import { expectProblem } from './support/expectProblem.ts';

type Page = { rows: Record<string, unknown>[]; next: string | null };

/** A Projectionist that serves reads (HTTP and the rebuild engine, no workers), on a database of its own. */
const startReadSide = async () =>
  startProjectionist({ env: testEnv(await useTestDatabase()), http: true, workers: false, engine: true });

describe('the projection query routes', () => {
  it('read the active version through the stable view with filters and keyset pages, refusing unknown names', async () => {
    const r = await startReadSide();
    try {
      const appender = await new Appender(r.log).connect();
      try {
        await appender.append(
          Array.from({ length: 5 }, (_, i) =>
            createEnvelope({
              type: 'CustomerRegistered',
              version: 1,
              streamId: `cus-${i}`,
              data: {
                name: `Ada Lovelace ${i}`,
                email: `ada${i}@example.com`,
                birthDate: '1815-12-10',
                address: {
                  street: 'Keizersgracht 1',
                  postalCode: '1015 CJ',
                  city: i < 3 ? 'Amsterdam' : 'Utrecht',
                },
              },
            }),
          ),
        );
      } finally {
        await appender.close();
      }
      const get = (url: string) => r.app!.inject({ method: 'GET', url });
      const all = await eventually(async () => {
        const res = await get('/projections/order-totals/orders');
        const customers = await get('/projections/customer-directory/customers?limit=100');
        return res.statusCode === 200 &&
          customers.statusCode === 200 &&
          customers.json<Page>().rows.length === 5
          ? customers.json<Page>()
          : undefined;
      }, 60_000);
      expect(all.rows.map((row) => row.id)).toEqual(['cus-0', 'cus-1', 'cus-2', 'cus-3', 'cus-4']);

      const first = (await get('/projections/customer-directory/customers?limit=2')).json<Page>();
      expect(first.rows.map((row) => row.id)).toEqual(['cus-0', 'cus-1']);
      const second = (
        await get(
          `/projections/customer-directory/customers?limit=2&after=${encodeURIComponent(first.next ?? '')}`,
        )
      ).json<Page>();
      expect(second.rows.map((row) => row.id)).toEqual(['cus-2', 'cus-3']);

      const filtered = (await get('/projections/customer-directory/customers?id=cus-3')).json<Page>();
      expect(filtered.rows.map((row) => row.id)).toEqual(['cus-3']);

      const list = (await get('/projections')).json<{
        projections: { name: string; activeVersion: number | null }[];
      }>();
      expect(list.projections.map((p) => p.name)).toEqual(
        expect.arrayContaining(['customer-directory', 'order-totals', 'daily-revenue']),
      );

      expect((await get('/projections/customer-directory/no_such_table')).statusCode).toBe(404);
      expect((await get('/projections/no-such-projection/customers')).statusCode).toBe(404);
      const badColumn = await get('/projections/customer-directory/customers?no_such_column=1');
      expect(badColumn.statusCode).toBe(400);
      expect(badColumn.headers['content-type']).toContain('application/problem+json');
      expect((await get('/projections/customer-directory/customers?limit=abc')).statusCode).toBe(400);
    } finally {
      await r.stop();
    }
  });
});

describe('the projection query routes, given values PostgreSQL would refuse', () => {
  it('answer filters and cursors that no column can hold with a 400 naming the parameter, never a 5xx', async () => {
    const r = await startReadSide();
    try {
      const get = (url: string) => r.app!.inject({ method: 'GET', url });
      const tables = ['daily-revenue/revenue', 'order-totals/orders', 'customer-directory/customers'];
      await eventually(async () => {
        for (const t of tables) if ((await get(`/projections/${t}`)).statusCode !== 200) return undefined;
        return true;
      }, 60_000);
      const refused = async (url: string, parameter: string, message: RegExp) => {
        const problem = expectProblem(await get(url), { status: 400, code: 'PRJ_VALIDATION', issues: true });
        expect(problem.issues, url).toContainEqual(
          expect.objectContaining({ path: `query.${parameter}`, message: expect.stringMatching(message) }),
        );
      };
      const cursor = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

      await refused('/projections/daily-revenue/revenue?day=2024-02-30', 'day', /not a valid date/);
      await refused('/projections/daily-revenue/revenue?day=0000-01-01', 'day', /not a valid date/);
      await refused('/projections/daily-revenue/revenue?day=2023-02-29', 'day', /not a valid date/);
      await refused('/projections/daily-revenue/revenue?payments=99999999999', 'payments', /-2147483648/);
      await refused('/projections/daily-revenue/revenue?payments=2147483648', 'payments', /2147483647/);
      await refused(
        '/projections/daily-revenue/revenue?net_cents=9223372036854775808',
        'net_cents',
        /9223372036854775807/,
      );
      await refused(
        '/projections/order-totals/orders?placed_at=%2B275760-09-13T00:00:00Z',
        'placed_at',
        /timestamp/,
      );
      await refused(
        '/projections/order-totals/orders?placed_at=10000-01-01T00:00:00Z',
        'placed_at',
        /timestamp/,
      );
      await refused(
        '/projections/order-totals/orders?placed_at=0001-01-01T00:00:00%2B01:00',
        'placed_at',
        /0001 to 9999/,
      );
      await refused('/projections/customer-directory/customers?id=a%00b', 'id', /NUL/);
      await refused(
        `/projections/customer-directory/customers?after=${cursor(['a\u0000b'])}`,
        'after',
        /cursor/,
      );
      await refused(
        `/projections/customer-directory/customers?after=${cursor(['a\uD800b'])}`,
        'after',
        /cursor/,
      );
      await refused(
        `/projections/daily-revenue/revenue?after=${cursor(['2024-02-30', 'EUR'])}`,
        'after',
        /cursor/,
      );
      await refused(
        `/projections/daily-revenue/revenue?after=${cursor(['0000-01-01', 'EUR'])}`,
        'after',
        /cursor/,
      );

      for (const url of [
        '/projections/daily-revenue/revenue?day=2024-02-29',
        '/projections/daily-revenue/revenue?day=9999-12-31&payments=-2147483648',
        `/projections/daily-revenue/revenue?after=${cursor(['2024-05-01', 'EUR'])}`,
        '/projections/order-totals/orders?placed_at=2024-05-01T10:00:00.000Z',
        '/projections/order-totals/orders?placed_at=2024-05-01',
      ])
        expect((await get(url)).statusCode, url).toBe(200);

      // Any text in any column of any table, and any cursor: 200 or a 4xx problem, never a 5xx.
      const columns = projections.flatMap((p) =>
        [...p.model.tables.values()].flatMap((t) =>
          t.columns.map((c) => ({ path: `${p.name}/${t.name}`, column: c.name })),
        ),
      );
      const value = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc
          .tuple(
            fc.string({ maxLength: 8 }),
            fc.constantFrom('\u0000', '\uD800', '\uDFFF'),
            fc.string({ maxLength: 8 }),
          )
          .map((p) => p.join('')),
        fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
        fc.double().map(String),
        fc
          .tuple(
            fc.integer({ min: 0, max: 12_000 }),
            fc.integer({ min: 0, max: 13 }),
            fc.integer({ min: 0, max: 32 }),
          )
          .map(
            ([y, m, d]) =>
              `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
          ),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
        fc.constantFrom(
          'true',
          'false',
          't',
          'NaN',
          'Infinity',
          '',
          ' ',
          '1e400',
          '00000000-0000-0000-0000-00000000000g',
        ),
      );
      // A lone surrogate has no UTF-8 to percent-encode; cursors carry those (in JSON) instead.
      const safe = (text: string) => encodeURIComponent(text.toWellFormed());
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...columns),
          value,
          fc.option(fc.array(value, { maxLength: 3 }), { nil: undefined }),
          fc.option(fc.uint8Array({ minLength: 1, maxLength: 12 }), { nil: undefined }),
          async ({ path, column }, text, after, bytes) => {
            // sometimes any bytes at all, percent-encoded: invalid UTF-8 included
            const encoded =
              bytes === undefined
                ? safe(text)
                : [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
            const query = [`${column}=${encoded}`];
            if (after !== undefined) query.push(`after=${cursor(after)}`);
            const res = await get(`/projections/${path}?${query.join('&')}`);
            if (res.statusCode !== 200) expectProblem(res);
          },
        ),
        { numRuns: 500 },
      );
    } finally {
      await r.stop();
    }
  });
});
