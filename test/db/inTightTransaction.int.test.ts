import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTightTransaction, inlineStatement } from '../../src/db/index.ts';
import { useTestDatabase } from '../harness/testServices.ts';

describe('a transaction whose first and last statements ride with begin and commit', () => {
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: await useTestDatabase(), max: 1, idleTimeoutMillis: 0 });
    await pool.query('create table tight (id int primary key, note text)');
  });

  afterAll(async () => {
    await pool.end();
  });

  it('inlines parameters as PostgreSQL reads them: quotes, backslashes, nulls, numbers and arrays', async () => {
    const values = [
      `it's a "quote" \\ and a backslash \\\\`,
      null,
      42,
      123456789012345678n,
      true,
      [1, 2, 3],
      ['9007199254740993', '-1'],
      [`a"b`, `c\\d`, `e,f`, `{g}`, null],
    ];
    const text = `select $1::text as a, $2::text as b, $3::int as c, $4::bigint::text as d, $5::bool as e,
      $6::int[] as f, $7::bigint[]::text[] as g, $8::text[] as h`;
    const client = await pool.connect();
    try {
      const inlined = await client.query(inlineStatement({ text, values }));
      const bound = await client.query(
        text,
        values.map((v) => (typeof v === 'bigint' ? v.toString() : v)),
      );
      expect(inlined.rows).toEqual(bound.rows);
      expect(inlined.rows[0]).toMatchObject({ a: values[0], b: null, c: 42, d: '123456789012345678' });
      expect((inlined.rows[0] as { h: unknown }).h).toEqual([`a"b`, `c\\d`, `e,f`, `{g}`, null]);
      expect(() => inlineStatement({ text: 'select $2', values: [1] })).toThrow(/no parameter \$2/);
      expect(() => inlineStatement({ text: 'select $1', values: [{ a: 1 }] })).toThrow(/object/);
      expect(() => inlineStatement({ text: 'select $1', values: [Number.NaN] })).toThrow(/finite/);
      // A NUL is refused as a bound one is: a data error (22021), for scalars and array elements.
      for (const nul of ['a\0b', 'a\\b\0']) {
        const bound = await client.query('select $1::text', [nul]).catch((e: unknown) => e);
        expect(bound).toMatchObject({ code: '22021' });
        for (const text of ['select $1::text', 'select $1::text[]']) {
          const value = text.endsWith('[]') ? [nul] : nul;
          const inlined = await client
            .query(inlineStatement({ text, values: [value] }))
            .catch((e: unknown) => e);
          expect(inlined).toMatchObject({ code: '22021' });
        }
      }
    } finally {
      client.release();
    }
  });

  it('commits the work with the closing statement, and lets the opening check refuse before any work', async () => {
    const count = async () =>
      (await pool.query<{ n: number }>('select count(*)::int as n from tight')).rows[0]?.n;
    await inTightTransaction(pool, {
      opening: [
        { text: 'insert into tight values ($1, $2)', values: [1, 'opening'] },
        { text: 'update tight set note = $1 where id = $2', values: ['opened', 1] },
      ],
      checkOpening: (results) => expect(results.map((r) => r.rowCount)).toEqual([1, 1]),
      work: async (client) => {
        await client.query('insert into tight values ($1, $2)', [2, 'work']);
      },
      closing: { text: 'insert into tight values ($1, $2)', values: [3, 'closing'] },
    });
    expect(await count()).toBe(3);

    let worked = false;
    await expect(
      inTightTransaction(pool, {
        opening: [
          { text: 'update tight set note = $1 where id = $2', values: ['x', 99] },
          { text: 'insert into tight values ($1, $2)', values: [4, 'refused'] },
        ],
        checkOpening: ([updated]) => {
          if (updated?.rowCount !== 1) throw new Error('no such row');
        },
        work: () => {
          worked = true;
          return Promise.resolve();
        },
      }),
    ).rejects.toThrow('no such row');
    expect(worked).toBe(false);
    // What the refused opening wrote is rolled back.
    expect(await count()).toBe(3);
  });

  it('rolls everything back when the closing statement fails, and the connection is usable after', async () => {
    await expect(
      inTightTransaction(pool, {
        opening: [{ text: 'insert into tight values ($1, $2)', values: [10, 'opening'] }],
        checkOpening: () => undefined,
        work: async (client) => {
          await client.query('insert into tight values ($1, $2)', [11, 'work']);
        },
        // a duplicate key: the commit after it in the same simple query never runs
        closing: { text: 'insert into tight values ($1, $2)', values: [10, 'again'] },
      }),
    ).rejects.toThrow(/duplicate key/);
    const left = await pool.query<{ id: number }>('select id from tight where id >= 10');
    expect(left.rows).toEqual([]);
  });
});
