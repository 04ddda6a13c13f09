import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { type Running } from '../../src/main.ts';
import { eventually } from '../harness/testEnv.ts';
import { useProjectionists } from '../harness/useProjectionists.ts';
import { registerCustomer } from '../api/support/registerCustomer.ts';

const projectionists = useProjectionists();

const statusOf = async (r: Running, id: string) =>
  (await r.app!.inject({ method: 'GET', url: `/commands/${id}` })).json<{ status?: string }>().status;

const readiness = async (r: Running) => {
  const res = await r.app!.inject({ method: 'GET', url: '/readyz' });
  return { code: res.statusCode, body: res.json<{ checks: Record<string, string> }>() };
};

describe('the command side after its database connections are cut', () => {
  it('reports the workers and the command state in /readyz, and keeps deciding after every connection was terminated', async () => {
    const r = await projectionists.start({ env: projectionists.env(), http: true });
    const ready = await eventually(async () => {
      const { code, body } = await readiness(r);
      return code === 200 ? body : undefined;
    });
    expect(Object.keys(ready.checks)).toEqual(expect.arrayContaining(['command-worker', 'command-state']));

    const first = randomUUID();
    await r.app!.inject({ method: 'POST', url: '/commands', payload: registerCustomer(first, 'cus-cut-1') });
    await eventually(async () => ((await statusOf(r, first)) === 'applied' ? true : undefined));

    // The server ends every session of this database: the command-state writer's among them.
    const admin = new pg.Client({ connectionString: projectionists.databaseUrl });
    await admin.connect();
    try {
      await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid()`,
      );
    } finally {
      await admin.end();
    }

    const second = randomUUID();
    await eventually(async () => {
      const res = await r.app!.inject({
        method: 'POST',
        url: '/commands',
        payload: registerCustomer(second, 'cus-cut-2'),
      });
      return res.statusCode === 202 ? true : undefined;
    });
    expect(
      await eventually(async () => ((await statusOf(r, second)) === 'applied' ? true : undefined), 45_000),
    ).toBe(true);
    expect((await readiness(r)).code).toBe(200);
  });
});
