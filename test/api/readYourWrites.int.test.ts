import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startProjectionist, type Running } from '../../src/main.ts';
import { eventually, testEnv } from '../harness/testEnv.ts';
import { useTestDatabase } from '../harness/testServices.ts';
import { expectProblem } from './support/expectProblem.ts';
import { registerCustomer } from './support/registerCustomer.ts';

type Decided = { status: string; token?: string; positions?: Record<string, string>; streamVersion?: number };
type Page = { rows: { id: string; email: string }[] };

/**
 * A Projectionist (commands, projections, HTTP) on a database of its own for one test: the
 * projections' registry is the database's, so two topic prefixes must not share one.
 */
const adminToken = 'read-your-writes-admin-token';

const withProjectionist = async (test: (r: Running) => Promise<void>): Promise<void> => {
  const r = await startProjectionist({
    env: testEnv(await useTestDatabase(), undefined, { PROJECTIONIST_ADMIN_TOKEN: adminToken }),
    http: true,
    workers: true,
    engine: true,
  });
  try {
    await test(r);
  } finally {
    await r.stop();
  }
};

/** POST /commands?wait=: the decision, with its token (200), or a 202 when it took too long. */
const send = async (r: Running, body: object) => {
  const res = await r.app!.inject({ method: 'POST', url: '/commands?wait=10000', payload: body });
  return { statusCode: res.statusCode, body: res.json<Decided>() };
};

const changeEmail = (streamId: string, email: string) => ({
  id: randomUUID(),
  type: 'ChangeCustomerEmail',
  version: 1,
  streamId,
  payload: { email },
});

const readCustomer = (r: Running, id: string, headers: Record<string, string> = {}) =>
  r.app!.inject({ method: 'GET', url: `/projections/customer-directory/customers?id=${id}`, headers });

/** Registers the customers and waits until customer-directory serves them. */
const registered = async (r: Running, streams: readonly string[]) => {
  for (const stream of streams) {
    const answer = await send(r, registerCustomer(randomUUID(), stream));
    expect(answer).toMatchObject({ statusCode: 200, body: { status: 'applied', streamVersion: 1 } });
  }
  await eventually(
    async () => {
      const res = await readCustomer(r, streams.at(-1)!);
      return res.statusCode === 200 && res.json<Page>().rows.length === 1 ? true : undefined;
    },
    120_000,
    'customer-directory to serve',
  );
};

describe('read-your-writes', () => {
  it(
    'a client reading with the token of its own command always sees its write: 1,000 tries, 0 stale',
    () =>
      withProjectionist(async (r) => {
        const clients = 8;
        const tries = 1_000;
        const streams = Array.from({ length: clients }, (_, c) => `cus-ryw-${c}`);
        await registered(r, streams);
        let applied = 0;
        let stale = 0;
        let staleWithoutToken = 0;
        const client = async (c: number) => {
          const stream = streams[c]!;
          for (let i = c; i < tries; i += clients) {
            const email = `c${c}.t${i}@example.com`;
            const answer = await send(r, changeEmail(stream, email));
            expect(answer.statusCode, JSON.stringify(answer.body)).toBe(200);
            expect(answer.body.status).toBe('applied');
            applied++;
            // The same read without the token, at once: what a client that does not wait may see.
            const blind = await readCustomer(r, stream);
            if (blind.json<Page>().rows[0]?.email !== email) staleWithoutToken++;
            const read = await readCustomer(r, stream, { 'projectionist-position': answer.body.token! });
            expect(read.statusCode, read.body).toBe(200);
            expect(read.headers['projectionist-stale']).toBe('false');
            if (read.json<Page>().rows[0]?.email !== email) stale++;
          }
        };
        await Promise.all(streams.map((_, c) => client(c)));
        console.info(
          `read-your-writes: ${applied} tries, ${stale} stale with the token, ${staleWithoutToken} stale without it`,
        );
        expect(applied).toBe(tries);
        expect(stale).toBe(0);
      }),
    600_000,
  );

  it(
    'keeps every read with a token fresh while reads are cut over between versions and back',
    () =>
      withProjectionist(async (r) => {
        const clients = 4;
        const tries = 300;
        const streams = Array.from({ length: clients }, (_, c) => `cus-cut-${c}`);
        await registered(r, streams);
        const admin = (url: string) =>
          r.app!.inject({ method: 'POST', url, headers: { authorization: `Bearer ${adminToken}` } });
        const active = async () =>
          (await r.app!.inject({ method: 'GET', url: '/projections' }))
            .json<{ projections: { name: string; activeVersion: number | null }[] }>()
            .projections.find((p) => p.name === 'customer-directory')?.activeVersion;
        let done = false;
        let switches = 0;
        // Cuts reads over to v2 and rolls back to v1, again and again, while the clients write and read.
        const switcher = async () => {
          while (!done) {
            const res =
              (await active()) === 2
                ? await admin('/admin/projections/customer-directory/rollback')
                : await admin('/admin/projections/customer-directory/versions/2/cutover');
            if (res.statusCode === 200) switches++;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        };
        let stale = 0;
        const client = async (c: number) => {
          const stream = streams[c]!;
          for (let i = c; i < tries; i += clients) {
            const email = `cut${c}.t${i}@example.com`;
            const answer = await send(r, changeEmail(stream, email));
            expect(answer.body.status).toBe('applied');
            const read = await readCustomer(r, stream, { 'projectionist-position': answer.body.token! });
            expect(read.statusCode, read.body).toBe(200);
            if (read.json<Page>().rows[0]?.email !== email) stale++;
            // A read without a token meets the switches too: answered, never a 5xx.
            const plain = await readCustomer(r, stream);
            expect(plain.statusCode, plain.body).toBe(200);
          }
        };
        const switching = switcher();
        await Promise.all(streams.map((_, c) => client(c))).finally(() => {
          done = true;
        });
        await switching;
        console.info(
          `read-your-writes across cutovers: ${tries} tries, ${switches} switches, ${stale} stale`,
        );
        expect(switches).toBeGreaterThanOrEqual(4);
        expect(stale).toBe(0);
      }),
    300_000,
  );

  it(
    'answers the token on GET /commands/:id, and refuses bad tokens and waits with 400',
    () =>
      withProjectionist(async (r) => {
        await registered(r, ['cus-tok']);
        const id = randomUUID();
        const answer = await send(r, { ...changeEmail('cus-tok', 'tok@example.com'), id });
        expect(answer.statusCode).toBe(200);
        const got = (await r.app!.inject({ method: 'GET', url: `/commands/${id}` })).json<Decided>();
        expect(got).toMatchObject({ status: 'applied', token: answer.body.token, streamVersion: 2 });
        // One partition: the command's stream's; the token says the same as positions.
        const [[partition, offset]] = Object.entries(got.positions ?? {}) as [[string, string]];
        expect(got.token).toBe(`${partition}:${offset}`);

        const bad = async (headers: Record<string, string>, match: RegExp) => {
          const problem = expectProblem(await readCustomer(r, 'cus-tok', headers), {
            status: 400,
            code: 'PRJ_VALIDATION',
            issues: true,
          });
          expect(problem.detail).toMatch(match);
        };
        await bad({ 'projectionist-position': 'abc' }, /'abc' is not <partition>:<offset>/);
        await bad(
          { 'projectionist-position': '9999:1' },
          /partition 9999 does not exist: the events topic has \d+/,
        );
        await bad({ 'projectionist-position': '0:1,0:2' }, /partition 0 is named twice/);
        await bad(
          { 'projectionist-position': got.token!, 'projectionist-wait': 'soon' },
          /milliseconds from 0 to 30000/,
        );
        await bad(
          { 'projectionist-position': got.token!, 'projectionist-wait': '30001' },
          /milliseconds from 0 to 30000/,
        );
        await bad(
          { 'projectionist-position': got.token!, 'projectionist-allow-stale': 'yes' },
          /true or false/,
        );
        await bad({ 'projectionist-wait': '10' }, /projectionist-position: missing/);
        const badWait = await r.app!.inject({
          method: 'POST',
          url: '/commands?wait=later',
          payload: changeEmail('cus-tok', 'x@example.com'),
        });
        expectProblem(badWait, { status: 400, code: 'PRJ_VALIDATION' });
        const tooLong = await r.app!.inject({
          method: 'POST',
          url: '/commands?wait=30001',
          payload: changeEmail('cus-tok', 'x@example.com'),
        });
        expectProblem(tooLong, { status: 400, code: 'PRJ_VALIDATION' });
      }),
    180_000,
  );

  it(
    'answers 409 PRJ_STALE_READ when the read model does not pass the token in time, or the stale read when allowed',
    () =>
      withProjectionist(async (r) => {
        await registered(r, ['cus-stale']);
        const far = { 'projectionist-position': '0:999999999', 'projectionist-wait': '200' };
        const started = performance.now();
        const problem = expectProblem(await readCustomer(r, 'cus-stale', far), {
          status: 409,
          code: 'PRJ_STALE_READ',
        });
        const tookMs = performance.now() - started;
        expect(tookMs).toBeGreaterThanOrEqual(200);
        expect(tookMs).toBeLessThan(5_000);
        expect(problem.detail).toMatch(
          /customer-directory v\d has not passed position 0:999999999 within 200 ms: it is at /,
        );
        const allowed = await readCustomer(r, 'cus-stale', { ...far, 'projectionist-allow-stale': 'true' });
        expect(allowed.statusCode).toBe(200);
        expect(allowed.headers['projectionist-stale']).toBe('true');
        expect(allowed.json<Page>().rows.map((row) => row.id)).toEqual(['cus-stale']);
        // A POST that is not decided within its wait answers 202 (the command is durable), not an error.
        const quick = await r.app!.inject({
          method: 'POST',
          url: '/commands?wait=0',
          payload: changeEmail('cus-stale', 'q@example.com'),
        });
        expect(quick.statusCode).toBe(202);
        expect(quick.json()).toMatchObject({ status: 'accepted' });
      }),
    180_000,
  );
});
