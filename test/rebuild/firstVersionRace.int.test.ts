import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { eventually } from '../harness/testEnv.ts';
import { appendAll } from '../projections/support/appendAll.ts';
import { customerEvents } from './support/customerEvents.ts';
import { launchEngine } from './support/launchEngine.ts';
import { openTestBed } from './support/testBed.ts';

const name = 'customer-directory';
const rounds = 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type AuditRow = { from_version: number | null; to_version: number; actor: string };

/**
 * One fresh deployment: two engine processes with v1 and v2 and the default manual policy,
 * started at once on a database and topics of their own. While both versions build, the test
 * holds the projection's registry row (`for update`), so that every switch either process
 * attempts waits in line behind it; it lets go once both versions are caught up and a switch is
 * waiting, which is the widest window two processes can meet in.
 */
const deployment = async (
  round: number,
): Promise<{ missed: true } | { missed: false; audit: AuditRow[]; active: number | null }> => {
  const bed = await openTestBed(`first-${round}`);
  const holder = new pg.Client({ connectionString: bed.databaseUrl, application_name: 'race-window' });
  const engines: ReturnType<typeof launchEngine>[] = [];
  try {
    await appendAll(bed.client, customerEvents({ count: 800, customers: 150, seed: 90 + round }));
    for (const id of ['a', 'b'])
      engines.push(
        launchEngine({
          prefix: bed.client.prefix,
          databaseUrl: bed.databaseUrl,
          holder: `engine-${id}-${round}`,
          versions: '1,2',
          leaseTtlMs: 5_000,
          maxRows: 5_000,
          lockTimeoutMs: 100,
          maxWaitMs: 60_000,
          autoCutoverRetryMs: 300,
        }),
      );
    // Both have registered both versions (inserting a version row key-shares the projection row).
    await Promise.all(engines.map((e) => e.waitFor((l) => l.event === 'running', 60_000)));
    await holder.connect();
    const pid = (await holder.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
    await holder.query('begin');
    await holder.query(`select 1 from projectionist.projections where name = $1 for update`, [name]);
    // A process that started much earlier than the other (a loaded machine starts node slowly) may
    // have built v1 and switched to it before the row was held: this round missed its window.
    const early = await holder.query(`select 1 from projectionist.audit where name = $1`, [name]);
    if ((early.rowCount ?? 0) > 0) return { missed: true };
    await eventually(
      async () => {
        const caughtUp = await bed.pool.query(
          `select version from projectionist.rebuilds where name = $1 and caught_up_at is not null`,
          [name],
        );
        return caughtUp.rowCount === 2 ? true : undefined;
      },
      60_000,
      'both versions to catch up',
    );
    // A switch waits for the row (each attempt up to lock_timeout, then again).
    await eventually(
      async () => {
        const waiting = await bed.pool.query(
          `select pid from pg_stat_activity where $1 = any(pg_blocking_pids(pid))`,
          [pid],
        );
        return (waiting.rowCount ?? 0) > 0 ? true : undefined;
      },
      30_000,
      'a switch to wait for the projection row',
    );
    // Time for every switch either process would try to join the queue.
    await sleep(1_500);
    await holder.query('commit');
    await eventually(
      async () => {
        const done = await bed.pool.query(`select 1 from projectionist.audit where name = $1`, [name]);
        return (done.rowCount ?? 0) > 0 ? true : undefined;
      },
      30_000,
      'the first version to take over',
    );
    // Any second switch, retried after its backoff (at most 1 s) or a refusal (300 ms), lands meanwhile.
    await sleep(3_000);
    const audit = await bed.pool.query<AuditRow>(
      `select from_version, to_version, actor from projectionist.audit where name = $1 order by id`,
      [name],
    );
    const active = await bed.pool.query<{ active_version: number | null }>(
      `select active_version from projectionist.projections where name = $1`,
      [name],
    );
    return { missed: false, audit: audit.rows, active: active.rows[0]?.active_version ?? null };
  } finally {
    await holder.end().catch(() => undefined);
    for (const engine of engines) await engine.kill('SIGKILL');
    await bed.close();
  }
};

describe('processes that start at once on a fresh database', () => {
  it('activate one first version, always the lowest deployed one, and nothing moves reads after it but an operator', async () => {
    const seen: string[] = [];
    let missed = 0;
    for (let round = 1; seen.length < rounds; round++) {
      const result = await deployment(round);
      if (result.missed) {
        console.log(`round ${round}: switched before the row was held; deployed again`);
        expect(++missed, 'rounds that missed the window').toBeLessThanOrEqual(rounds);
        continue;
      }
      const { audit, active } = result;
      seen.push(audit.map((r) => `${r.from_version ?? '-'} -> ${r.to_version} by ${r.actor}`).join('; '));
      console.log(`round ${round}: ${seen.at(-1)}`);
      expect(audit, `round ${round}`).toHaveLength(1);
      expect(audit[0]).toMatchObject({ from_version: null, to_version: 1 });
      expect(audit[0]?.actor).toMatch(/^rebuild-engine \(first version\) engine-[ab]-/);
      expect(active).toBe(1);
    }
  }, 900_000);
});
