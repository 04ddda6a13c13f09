import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectionTestKit, type TestEvent } from '../../src/testing/index.ts';
import { useTestDatabase } from '../harness/testServices.ts';
import { ledgerProjection } from './fixtures/ledgerProjection.ts';
import { ledgerEvents } from './support/ledgerEvents.ts';
import { tableChecksums } from './support/tableChecksum.ts';
import { testDecoder } from './support/testDecoder.ts';

const at = (minute: number) =>
  new Date(Date.parse('2024-05-01T09:00:00.000Z') + minute * 60_000).toISOString();

const asTestEvents = (envelopes: ReturnType<typeof ledgerEvents>): TestEvent[] =>
  envelopes.map((e) => ({
    type: e.type,
    version: e.version,
    data: e.data,
    streamId: e.streamId,
    time: e.time,
  }));

describe('flushing a batch into PostgreSQL', () => {
  let databaseUrl: string;
  let pool: pg.Pool;

  beforeAll(async () => {
    databaseUrl = await useTestDatabase();
    // one connection, opened here, so that the leak check counts it in the baseline
    pool = new pg.Pool({ connectionString: databaseUrl, max: 1, idleTimeoutMillis: 0 });
    await pool.query('select 1');
  });
  afterAll(async () => {
    await pool.end();
  });

  it('writes a row that many events changed once, as counted by the table itself', async () => {
    const kit = await projectionTestKit({
      projection: ledgerProjection(1),
      databaseUrl,
      decode: testDecoder,
    });
    try {
      await pool.query(`
        create table public.writes (op text, n integer);
        create function public.count_write() returns trigger language plpgsql as $$
        begin insert into public.writes values (tg_op, 1); return null; end $$;
        create trigger count_writes after insert or update or delete on "ledger__v1".accounts
          for each row execute function public.count_write();`);
      const events: TestEvent[] = [
        {
          type: 'AccountOpened',
          streamId: 'a1',
          time: at(0),
          data: { owner: 'ann', email: 'a1@example.com' },
        },
        ...Array.from({ length: 300 }, (_, i) => ({
          type: 'Deposited',
          streamId: 'a1',
          time: at(i),
          data: { amountCents: '100', note: `n${i}` },
        })),
        ...Array.from({ length: 200 }, (_, i) => ({
          type: 'Withdrawn',
          streamId: 'a1',
          time: at(i),
          data: { amountCents: '50' },
        })),
      ];
      await kit.given(events);
      const writes = async () =>
        (
          await pool.query<{ op: string; n: string }>(
            `select op, count(*)::text as n from public.writes group by op order by op`,
          )
        ).rows;
      expect(await writes()).toEqual([{ op: 'INSERT', n: '1' }]);
      expect(kit.batches).toHaveLength(1);
      expect(kit.batches[0]).toMatchObject({ applied: 501, loaded: 0 });

      await kit.given(
        Array.from({ length: 100 }, () => ({
          type: 'Withdrawn',
          streamId: 'a1',
          time: at(999),
          data: { amountCents: '1' },
        })),
      );
      expect(await writes()).toEqual([
        { op: 'INSERT', n: '1' },
        { op: 'UPDATE', n: '1' },
      ]);
      const [account] = await kit.rows('accounts');
      expect(account).toMatchObject({
        id: 'a1',
        balance_cents: 300n * 100n - 200n * 50n - 100n,
        operations: 600,
      });
    } finally {
      await kit.close();
    }
  });

  it('builds the same tables through COPY as through unnest statements, text escapes included', async () => {
    const events = asTestEvents(ledgerEvents({ count: 3_000, accounts: 150, seed: 7 }));
    const viaCopy = await projectionTestKit({
      projection: ledgerProjection(2),
      databaseUrl,
      decode: testDecoder,
      limits: { copyThreshold: 1, maxRows: 400 },
    });
    const viaUnnest = await projectionTestKit({
      projection: ledgerProjection(3),
      databaseUrl,
      decode: testDecoder,
      limits: { copyThreshold: 1_000_000, maxRows: 400 },
    });
    try {
      for (let i = 0; i < events.length; i += 500) {
        await viaCopy.given(events.slice(i, i + 500));
        await viaUnnest.given(events.slice(i, i + 500));
      }
      const copySums = await tableChecksums(pool, ledgerProjection(2));
      expect(copySums).toEqual(await tableChecksums(pool, ledgerProjection(3)));
      expect(copySums.accounts).not.toMatch(/^0 rows/);
      const notes = new Set((await viaCopy.rows('accounts')).map((a) => a.last_note));
      for (const note of ['tab\there', 'new\nline', 'back\\slash', 'quote "q"', 'unicode ✓ é', '\\N', ''])
        expect(notes.has(note), JSON.stringify(note)).toBe(true);
    } finally {
      await viaCopy.close();
      await viaUnnest.close();
    }
  });

  it('projects events upcast from an old format exactly as events written in the new one', async () => {
    const old = await projectionTestKit({
      projection: ledgerProjection(4),
      databaseUrl,
      decode: testDecoder,
    });
    const current = await projectionTestKit({
      projection: ledgerProjection(5),
      databaseUrl,
      decode: testDecoder,
    });
    try {
      const opened = {
        type: 'AccountOpened',
        streamId: 'a9',
        time: at(0),
        data: { owner: 'ann', email: 'x@example.com' },
      };
      await old.given([
        opened,
        { type: 'OwnerRenamed', version: 1, streamId: 'a9', data: { name: 'Grace Brewster Hopper' } },
      ]);
      await current.given([
        opened,
        {
          type: 'OwnerRenamed',
          version: 2,
          streamId: 'a9',
          data: { firstName: 'Grace', lastName: 'Brewster Hopper' },
        },
      ]);
      expect(await old.rows('accounts')).toEqual(await current.rows('accounts'));
      await old.expectRows('accounts', [
        {
          id: 'a9',
          owner: 'Grace Brewster Hopper',
          email: 'x@example.com',
          balance_cents: 0n,
          operations: 0,
          opened_at: at(0),
          tags: null,
          last_note: null,
        },
      ]);
    } finally {
      await old.close();
      await current.close();
    }
  });

  it('stops at a handler that writes a bad row, naming the column, and writes nothing of its batch', async () => {
    const kit = await projectionTestKit({ projection: ledgerProjection(6), databaseUrl });
    try {
      await kit.given({ type: 'AccountOpened', streamId: 'a1', data: { owner: 'ann', email: 'a@b.c' } });
      const bad = await kit
        .given([
          { type: 'AccountOpened', streamId: 'a2', data: { owner: 'bob', email: 'b@b.c' } },
          { type: 'AccountOpened', streamId: 'a3', data: { owner: 42, email: 'c@b.c' } },
        ])
        .catch((e: unknown) => e);
      expect(bad).toMatchObject({ code: 'PRJ_HANDLER_FAILED' });
      expect((bad as Error).message).toMatch(
        /AccountOpened handler failed at partition 0 offset 2: owners: key owner: expected a string/,
      );
      expect((await kit.rows('accounts')).map((a) => a.id)).toEqual(['a1']);
      const checkpoint = await pool.query(
        `select next_offset::text as next from projectionist.checkpoints where name = 'ledger' and version = 6`,
      );
      expect(checkpoint.rows).toEqual([{ next: '1' }]);
    } finally {
      await kit.close();
    }
  });
});
