import { describe, expect, it } from 'vitest';
import { Appender, createEnvelope } from '../../src/log/index.ts';
import { startProjectionist } from '../../src/main.ts';
import { eventually, testEnv } from '../harness/testEnv.ts';
import { useTestDatabase } from '../harness/testServices.ts';

type Page = { rows: Record<string, unknown>[]; next: string | null };

describe('the projection query routes', () => {
  it('read the active version through the stable view with filters and keyset pages, refusing unknown names', async () => {
    const r = await startProjectionist({
      env: testEnv(await useTestDatabase()),
      http: true,
      workers: false,
      engine: true,
    });
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
