import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitCodes } from '../../src/cli/exitCodes.ts';
import { startProjectionist, type Running } from '../../src/main.ts';
import { eventually, testEnv } from '../harness/testEnv.ts';
import { testPrefix, useTestDatabase } from '../harness/testServices.ts';
import { appendAll } from '../projections/support/appendAll.ts';
import { customerEvents } from '../rebuild/support/customerEvents.ts';
import { runCli } from './support/runCli.ts';

const token = 'admin-token-for-unverified-tests-0123';
const name = 'customer-directory';

type VersionView = { version: number; activity: string; active: boolean };

/**
 * customer-directory v1 declares no checks: it takes over by itself as the first version (there
 * is nothing to compare it with), but once v2 serves, a cutover back to it is unverified.
 */
describe('a cutover to a version that declares no checks', () => {
  let env: Record<string, string>;
  let r: Running;
  beforeEach(async () => {
    env = testEnv(await useTestDatabase(), testPrefix('unverified'), {
      PROJECTIONIST_ADMIN_TOKEN: token,
      PROJECTIONIST_AUTO_REBUILD: 'false',
      PROJECTIONIST_HTTP_PORT: '0',
    });
    r = await startProjectionist({
      env,
      engine: true,
      engineOptions: { pollMs: 200 },
      workers: false,
      reactors: [],
    });
    await appendAll(r.log, customerEvents({ count: 1_500, customers: 200, seed: 91 }));
  });
  afterEach(async () => {
    await r.stop();
  });

  const call = async (url: string, payload?: Record<string, unknown>) => {
    const res = await r.app!.inject({
      method: url.includes('/admin/projections/') ? 'POST' : 'GET',
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload }),
    });
    return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
  };
  const waitVersion = (version: number, test: (v: VersionView) => boolean) =>
    eventually(
      async () => {
        const { body } = await call('/admin/projections');
        const versions = (body.projections as { name: string; versions: VersionView[] }[]).find(
          (p) => p.name === name,
        )?.versions;
        const v = versions?.find((x) => x.version === version);
        return v !== undefined && test(v) ? v : undefined;
      },
      60_000,
      `v${version}`,
    );
  const cli = async (...args: string[]) => {
    const run = await runCli(args, env);
    return {
      ...run,
      document: args.includes('--json') ? (JSON.parse(run.stdout) as Record<string, unknown>) : {},
    };
  };

  it('is refused without --unverified (CLI) or "unverified": true (admin API), and done with either', async () => {
    expect((await call(`/admin/projections/${name}/versions/1/rebuild`)).status).toBe(200);
    await waitVersion(1, (v) => v.active);
    expect((await call(`/admin/projections/${name}/versions/2/rebuild`)).status).toBe(200);
    await waitVersion(2, (v) => v.activity === 'ready');

    // v2 declares checks (its content equals v1's): no flag needed.
    const toTwo = await cli('cutover', name, '2', '--json');
    expect(toTwo.code, toTwo.stderr.slice(-1500)).toBe(exitCodes.ok);
    expect(toTwo.document).toMatchObject({ from: 1, to: 2, verification: { outcome: 'passed' } });

    const verify = await cli('verify', name, '1');
    expect(verify.stdout).toContain('customer-directory v1: unverified (it declares no checks');
    expect(verify.code).toBe(exitCodes.refused);
    const refused = await cli('cutover', name, '1', '--json');
    expect(refused.code).toBe(exitCodes.refused);
    expect(refused.document).toMatchObject({ error: { code: 'PRJ_UNVERIFIED' } });
    expect(JSON.stringify(refused.document)).toContain('--unverified');

    const viaApi = await call(`/admin/projections/${name}/versions/1/cutover`);
    expect(viaApi).toMatchObject({ status: 409, body: { code: 'PRJ_UNVERIFIED' } });
    const badField = await call(`/admin/projections/${name}/versions/1/cutover`, { unverified: 'yes' });
    expect(badField.status).toBe(400);
    await waitVersion(2, (v) => v.active);
    const allowed = await call(`/admin/projections/${name}/versions/1/cutover`, { unverified: true });
    expect(allowed).toMatchObject({
      status: 200,
      body: { from: 2, to: 1, verification: { outcome: 'unverified' } },
    });

    expect((await cli('cutover', name, '2', '--json')).code).toBe(exitCodes.ok);
    const flagged = await cli('cutover', name, '1', '--unverified');
    expect(flagged.code, flagged.stderr.slice(-1500)).toBe(exitCodes.ok);
    expect(flagged.stdout).toContain('customer-directory: reads now served by v1 (was v2)');
  });
});
