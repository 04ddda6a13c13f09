import { describe, expect, it } from 'vitest';
import { isProjectionistError } from '../../src/errors/index.ts';
import { highWatermarks } from '../../src/log/index.ts';
import { createTables, replayProjection } from '../../src/projections/index.ts';
import { acquireLease } from '../../src/registry/index.ts';
import { flushBatch } from '../../src/projections/flushBatch.ts';
import { ledgerProjection } from './fixtures/ledgerProjection.ts';
import { appendAll } from './support/appendAll.ts';
import { ledgerEvents } from './support/ledgerEvents.ts';
import { useProjectionBed } from './support/projectionBed.ts';
import { tableChecksums } from './support/tableChecksum.ts';
import { testDecoder } from './support/testDecoder.ts';

describe('the live projector', () => {
  const bed = useProjectionBed({ label: 'proj', eventsPartitions: 4, poolMax: 6, registry: true });

  const cleanBuild = async (version: number) => {
    const { pool, client } = bed;
    const definition = ledgerProjection(version);
    const until = await highWatermarks({ client, topic: client.topics.events });
    const result = await replayProjection({ pool, client, definition, decode: testDecoder, until });
    expect(result.status).toBe('reached');
    return tableChecksums(pool, definition);
  };

  it('builds a version from the log, catches up, then applies new events as they come', async () => {
    const { pool, client } = bed;
    await appendAll(client, ledgerEvents({ count: 2_000, accounts: 120, seed: 3 }));
    const definition = ledgerProjection(1);
    const projector = await bed.startProjector({ definition });
    try {
      const caughtUp = await projector.events.once('projector:caught-up');
      expect([...caughtUp.positions.values()].reduce((a, b) => a + b, 0n)).toBe(2_000n);
      expect(await tableChecksums(pool, definition)).toEqual(await cleanBuild(2));

      const flushed = projector.events.once('projector:batch', { filter: (b) => b.applied > 0 });
      await appendAll(client, [...ledgerEvents({ count: 2, accounts: 1, seed: 9, prefix: 'late' })]);
      await flushed;
      const late = await pool.query(`select owner from "ledger__v1".accounts where id = 'late-0'`);
      expect(late.rows).toEqual([{ owner: 'owner-0' }]);
      const status = await pool.query(
        `select status from projectionist.versions where name = 'ledger' and version = 1`,
      );
      expect(status.rows).toEqual([{ status: 'catching-up' }]);
    } finally {
      await projector.stop();
    }
  });

  it('recovers from commits that fail after the writes, ending identical to a clean build', async () => {
    const { pool, client } = bed;
    const definition = ledgerProjection(3);
    await createTables({ db: pool, definition });
    // A deferred constraint trigger runs at COMMIT, after every write of the flush: while
    // `fail_commits` is on, about one flush in three fails right there and is rolled back.
    await pool.query(`
      create table public.fail_commits (enabled boolean not null);
      insert into public.fail_commits values (true);
      create function public.fail_at_commit() returns trigger language plpgsql as $$
      begin
        if (select enabled from public.fail_commits) and txid_current() % 3 = 0 then
          raise exception 'injected failure at commit';
        end if;
        return null;
      end $$;
      create constraint trigger fail_at_commit after insert or update or delete on "ledger__v3".owners
        deferrable initially deferred for each row execute function public.fail_at_commit();`);
    await appendAll(client, ledgerEvents({ count: 4_000, accounts: 300, seed: 11 }));
    const projector = await bed.startProjector({
      definition,
      limits: { maxRows: 150, maxEvents: 400 },
      retry: { minMs: 10, maxMs: 50 },
    });
    try {
      const errors: unknown[] = [];
      const resumedFrom: bigint[] = [];
      projector.events.on('projector:error', ({ error }) => errors.push(error));
      projector.events.on('projector:started', ({ from }) =>
        resumedFrom.push([...from.values()].reduce((a, b) => a + b, 0n)),
      );
      while (errors.length < 6) await projector.events.once('projector:error');
      await pool.query(`update public.fail_commits set enabled = false`);
      await projector.events.once('projector:caught-up');
      expect(errors.every((e) => /injected failure at commit/.test(String((e as Error).message)))).toBe(true);
      // some restarts resumed from checkpoints that earlier flushes had committed
      expect(resumedFrom.some((n) => n > 0n)).toBe(true);
      expect(await tableChecksums(pool, definition)).toEqual(await cleanBuild(4));
    } finally {
      await projector.stop();
    }
  });

  it('lets one process at a time write a version, and refuses the flush of a holder that was taken over', async () => {
    const { pool, client } = bed;
    await appendAll(client, ledgerEvents({ count: 200, accounts: 20, seed: 5 }));
    const definition = ledgerProjection(5);
    const first = await bed.startProjector({ definition, holder: 'first' });
    const second = await bed.startProjector({ definition, holder: 'second', leaseTtlMs: 1_000 });
    try {
      await first.events.once('projector:caught-up');
      expect(second.state.status).toBe('waiting-for-lease');
      const takenOver = second.events.once('projector:started');
      await first.stop();
      expect((await takenOver).holder).toBe('second');
      await second.events.once('projector:caught-up');
    } finally {
      await first.stop();
      await second.stop();
    }
    // a holder whose lease expired and was taken writes nothing, not even its checkpoints
    const stale = await acquireLease({ db: pool, name: 'ledger', version: 5, holder: 'stale', ttlMs: 1 });
    if (stale === undefined) throw new Error('no lease');
    await new Promise((r) => setTimeout(r, 20));
    const fresh = await acquireLease({
      db: pool,
      name: 'ledger',
      version: 5,
      holder: 'fresh',
      ttlMs: 60_000,
    });
    expect(fresh?.token).toBe(stale.token + 1n);
    const refused = await flushBatch({
      pool,
      lease: stale,
      changes: { tables: [], sql: [{ text: `delete from "ledger__v5".accounts`, params: [] }] },
      positions: new Map([[0, 999_999n]]),
      copyThreshold: 1_000,
    }).catch((e: unknown) => e);
    expect(isProjectionistError(refused, 'PRJ_LEASE_LOST')).toBe(true);
    const left = await pool.query(`select count(*)::int as n from "ledger__v5".accounts`);
    expect(left.rows[0]).not.toEqual({ n: 0 });
    const checkpoint = await pool.query(
      `select max(next_offset)::text as max from projectionist.checkpoints where name = 'ledger' and version = 5`,
    );
    expect(checkpoint.rows[0]).not.toEqual({ max: '999999' });
    // Nor does a batch of rows alone, which goes in one simple query with its commit: the lease
    // check fails its statement there, so the row and the checkpoint after it never commit.
    const accounts = definition.model.tables.get('accounts');
    if (accounts === undefined) throw new Error('no accounts table');
    const row = {
      id: 'acc-stale',
      owner: 'stale',
      email: null,
      balance_cents: 1n,
      operations: 1,
      opened_at: '2024-05-01T09:00:00.000Z',
      tags: null,
      last_note: `it's \\ stale`,
    };
    const rowsOnly = { tables: [{ table: accounts, inserts: [row], upserts: [], deletes: [] }], sql: [] };
    const lost = await flushBatch({
      pool,
      lease: stale,
      changes: rowsOnly,
      positions: new Map([[0, 999_999n]]),
      copyThreshold: 1_000,
    }).catch((e: unknown) => e);
    expect(isProjectionistError(lost, 'PRJ_LEASE_LOST')).toBe(true);
    const written = await pool.query(
      `select count(*)::int as n from "ledger__v5".accounts where id = 'acc-stale'`,
    );
    expect(written.rows[0]).toEqual({ n: 0 });
    const after = await pool.query(
      `select max(next_offset)::text as max from projectionist.checkpoints where name = 'ledger' and version = 5`,
    );
    expect(after.rows[0]).toEqual(checkpoint.rows[0]);
    // The holder of the lease writes the same batch in that one round trip, text as it was.
    if (fresh === undefined) throw new Error('no fresh lease');
    await flushBatch({
      pool,
      lease: fresh,
      changes: rowsOnly,
      positions: new Map([[0, 999_999n]]),
      copyThreshold: 1_000,
    });
    const stored = await pool.query(`select last_note from "ledger__v5".accounts where id = 'acc-stale'`);
    expect(stored.rows[0]).toEqual({ last_note: row.last_note });
  });

  it('parks an event newer than its code instead of skipping it, and holds only its stream', async () => {
    const { pool, client } = bed;
    const definition = ledgerProjection(6);
    const stream = ledgerEvents({ count: 5, accounts: 1, seed: 2, prefix: 'w' }).map((e, i) =>
      i === 3 ? { ...e, version: 3 } : e,
    );
    const other = ledgerEvents({ count: 3, accounts: 1, seed: 4, prefix: 'o' });
    await appendAll(client, [...stream, ...other]);
    const projector = await bed.startProjector({ definition, waitRetryMs: 60_000 });
    try {
      const parked = await projector.events.once('projector:parked');
      expect(parked.events[0]).toMatchObject({ kind: 'waiting', eventId: stream[3]?.eventId });
      expect(parked.events[0]?.reason).toMatch(/too new/);
      await projector.events.once('projector:caught-up');
      const rows = await pool.query(`select id from "ledger__v6".accounts order by id`);
      expect(rows.rows).toEqual([{ id: 'o-0' }, { id: 'w-0' }]);
      const held = await pool.query<{ event_id: string; kind: string }>(
        `select event_id, kind from projectionist.parked where name = 'ledger' and version = 6 order by record_offset`,
      );
      expect(held.rows).toEqual([
        { event_id: stream[3]?.eventId, kind: 'waiting' },
        { event_id: stream[4]?.eventId, kind: 'waiting' },
      ]);
    } finally {
      await projector.stop();
    }
  });
});
