import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepRoundTripsApart, type Statement } from '../../src/db/index.ts';
import { isProjectionistError } from '../../src/errors/index.ts';
import { acquireLease, inLeasedRoundTrip, migrateRegistry, type Lease } from '../../src/registry/index.ts';
import { useTestDatabase } from '../harness/testServices.ts';

/** Records the transaction it runs in: rows written by one combined flush share one xid. */
const note = (id: string): Statement => ({
  text: `insert into flushed (id, xid) values ($1, txid_current())`,
  values: [id],
});

describe('live flushes of several leases asked for at once', () => {
  let pool: pg.Pool;
  let apart: pg.Pool;
  let url: string;

  const lease = async (name: string, holder = 'me'): Promise<Lease> => {
    const taken = await acquireLease({ db: pool, name, version: 1, holder, ttlMs: 60_000 });
    if (taken === undefined) throw new Error(`no lease ${name}`);
    return taken;
  };
  const xids = async (ids: readonly string[]) =>
    (
      await pool.query<{ id: string; xid: string }>(
        `select id, xid::text from flushed where id = any($1) order by id`,
        [ids],
      )
    ).rows;

  beforeAll(async () => {
    url = await useTestDatabase();
    pool = new pg.Pool({ connectionString: url, max: 4, idleTimeoutMillis: 0 });
    apart = new pg.Pool({ connectionString: url, max: 4, idleTimeoutMillis: 0 });
    keepRoundTripsApart(apart);
    // Open every connection now, so connections the pools keep are not counted as leaks.
    const open = (p: pg.Pool) => [1, 2, 3, 4].map(() => p.query('select pg_sleep(0.05)'));
    await Promise.all([...open(pool), ...open(apart)]);
    await migrateRegistry({ pool });
    await pool.query('create table flushed (id text primary key, xid bigint not null)');
  });
  afterAll(async () => {
    await apart.end();
    await pool.end();
  });

  it('commit in one transaction, each answering its own results and renewing its own lease', async () => {
    const leases = await Promise.all(['c-proj', 'a-proj', 'b-proj'].map((n) => lease(n)));
    const before = await pool.query<{ name: string; expires_at: Date }>(
      `select name, expires_at from projectionist.leases order by name`,
    );
    await new Promise((r) => setTimeout(r, 5));
    const answered = await Promise.all(
      leases.map((l, i) =>
        inLeasedRoundTrip(pool, l, [
          note(`one-${l.name}`),
          ...(i === 0 ? [note(`two-${l.name}`)] : []),
          { text: `select $1::text as who`, values: [l.name] },
        ]),
      ),
    );
    // Each caller sees its statements' results only, in its own order.
    expect(answered.map((results) => results.map((r) => r.rowCount))).toEqual([
      [1, 1, 1],
      [1, 1],
      [1, 1],
    ]);
    expect(answered.map((results) => results.at(-1)?.rows)).toEqual(leases.map((l) => [{ who: l.name }]));
    const rows = await xids(leases.flatMap((l) => [`one-${l.name}`, `two-${l.name}`]));
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => r.xid)).size).toBe(1);
    const after = await pool.query<{ name: string; expires_at: Date }>(
      `select name, expires_at from projectionist.leases order by name`,
    );
    for (const [i, row] of after.rows.entries())
      expect(row.expires_at.getTime()).toBeGreaterThan(before.rows[i]!.expires_at.getTime());
  });

  it('fail alone: a lost lease and a refused row fail their own flush, and the others commit', async () => {
    const [kept, stale, refused] = await Promise.all(['keep', 'stale', 'refuse'].map((n) => lease(n)));
    // Another holder takes the stale one over: its token moves on.
    await pool.query(`update projectionist.leases set expires_at = now() where name = 'stale'`);
    const taken = await lease('stale', 'other');
    expect(taken.token).toBe(stale!.token + 1n);
    await pool.query(`insert into flushed values ('dup', 0)`);

    const outcomes = await Promise.allSettled([
      inLeasedRoundTrip(pool, kept!, [note('kept')]),
      inLeasedRoundTrip(pool, stale!, [note('stale')]),
      inLeasedRoundTrip(pool, refused!, [note('refused'), note('dup')]),
    ]);
    expect(outcomes[0].status).toBe('fulfilled');
    const lost = outcomes[1].status === 'rejected' ? (outcomes[1].reason as unknown) : undefined;
    expect(isProjectionistError(lost, 'PRJ_LEASE_LOST')).toBe(true);
    expect(outcomes[2]).toMatchObject({ status: 'rejected', reason: { code: '23505' } });
    // The kept flush committed; neither failed one wrote a row.
    expect((await xids(['kept', 'stale', 'refused'])).map((r) => r.id)).toEqual(['kept']);
  });

  it('go in a transaction each on a pool kept apart (PROJECTIONIST_SHARED_FLUSH=false), and when large', async () => {
    const leases = await Promise.all(['x-apart', 'y-apart'].map((n) => lease(n)));
    await Promise.all(leases.map((l) => inLeasedRoundTrip(apart, l, [note(l.name)])));
    const apartRows = await xids(leases.map((l) => l.name));
    expect(new Set(apartRows.map((r) => r.xid)).size).toBe(2);

    // A flush over the combined query's bound (256 KiB of SQL) goes alone, beside a small one.
    const [big, small] = await Promise.all(['big', 'small'].map((n) => lease(n)));
    const padding = { text: `select length($1::text)`, values: ['x'.repeat(300 * 1024)] };
    await Promise.all([
      inLeasedRoundTrip(pool, big!, [note('big'), padding]),
      inLeasedRoundTrip(pool, small!, [note('small')]),
    ]);
    const sizes = await xids(['big', 'small']);
    expect(sizes).toHaveLength(2);
    expect(sizes[0]!.xid).not.toBe(sizes[1]!.xid);
  });

  it('that arrive while one is in flight go together in the next one', async () => {
    const leases = await Promise.all(['p1', 'p2', 'p3', 'p4'].map((n) => lease(n)));
    // The first goes alone; the three asked for while it is in flight share the next round trip.
    const first = inLeasedRoundTrip(pool, leases[0]!, [
      note('p1'),
      { text: 'select pg_sleep(0.1)', values: [] },
    ]);
    await new Promise((r) => setTimeout(r, 30));
    await Promise.all([first, ...leases.slice(1).map((l) => inLeasedRoundTrip(pool, l, [note(l.name)]))]);
    const rows = await xids(['p1', 'p2', 'p3', 'p4']);
    expect(rows).toHaveLength(4);
    expect(new Set(rows.slice(1).map((r) => r.xid)).size).toBe(1);
    expect(rows[0]!.xid).not.toBe(rows[1]!.xid);
  });
});
