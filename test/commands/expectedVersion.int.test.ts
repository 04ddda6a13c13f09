import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  Appender,
  createEnvelope,
  decodeEnvelope,
  encodeEnvelope,
  readLog,
  type Envelope,
} from '../../src/log/index.ts';
import { deadLetterHeaders } from '../../src/commands/index.ts';
import { type Running } from '../../src/main.ts';
import { eventually } from '../harness/testEnv.ts';
import { useProjectionists } from '../harness/useProjectionists.ts';
import { registerCustomer } from '../api/support/registerCustomer.ts';

const projectionists = useProjectionists();

type Outcome = {
  status: string;
  reason?: string;
  at?: string;
  eventIds?: string[];
  streamVersion?: number | null;
  expectedVersion?: number;
};

const decided = async (r: Running, id: string): Promise<Outcome | undefined> => {
  const body = (await r.app!.inject({ method: 'GET', url: `/commands/${id}` })).json<Outcome>();
  return body.status === 'applied' || body.status === 'rejected' || body.status === 'dead-lettered'
    ? body
    : undefined;
};

const outcomeOf = (r: Running, id: string) =>
  eventually(() => decided(r, id), 30_000, `the outcome of ${id}`);

const eventsTopic = async (r: Running): Promise<Envelope[]> => {
  const out: Envelope[] = [];
  for await (const batch of readLog({ client: r.log, topic: r.log.topics.events, until: 'latest' }))
    out.push(...batch.records.map((x) => decodeEnvelope(x.value)));
  return out;
};

/** What the log holds for a command: its events, and how many outcomes were written for it. */
const logOf = async (r: Running, commandId: string) => {
  const caused = (await eventsTopic(r)).filter((e) => e.causationId === commandId);
  return {
    events: caused.filter((e) => !e.type.startsWith('projectionist.')),
    outcomes: caused.filter((e) => e.type === 'projectionist.CommandOutcome').length,
  };
};

/** A ChangeCustomerEmail envelope as a service would produce it straight onto the commands topic. */
const changeEnvelope = (streamId: string, email: string, expectedVersion?: number) =>
  createEnvelope({
    eventId: randomUUID(),
    type: 'ChangeCustomerEmail',
    version: 1,
    streamId,
    data: { email },
    ...(expectedVersion === undefined ? {} : { expectedVersion }),
  });

const produce = async (r: Running, envelopes: readonly Envelope[]) => {
  const appender = await new Appender(r.log).connect();
  try {
    await appender.send(r.log.topics.commands, envelopes.map(encodeEnvelope));
  } finally {
    await appender.close();
  }
};

describe('expectedVersion', () => {
  it('applies one of two commands that expect the same version and rejects the other once, for good', async () => {
    const prefix = `pj-ev-${randomUUID().slice(0, 8)}`;
    const r = await projectionists.start({ env: projectionists.env(prefix), http: true });
    const stream = 'cus-ev-1';
    const registered = randomUUID();
    await r.app!.inject({ method: 'POST', url: '/commands', payload: registerCustomer(registered, stream) });
    expect(await outcomeOf(r, registered)).toMatchObject({ status: 'applied', streamVersion: 1 });

    // Two writers read version 1 and both send a change on the topic (the body carries it).
    const first = changeEnvelope(stream, 'first@example.com', 1);
    const second = changeEnvelope(stream, 'second@example.com', 1);
    await produce(r, [first, second]);
    expect(await outcomeOf(r, first.eventId)).toMatchObject({ status: 'applied', streamVersion: 2 });
    const rejected = await outcomeOf(r, second.eventId);
    expect(rejected).toMatchObject({
      status: 'rejected',
      reason: `expected version 1 but stream ${stream} is at 2`,
      expectedVersion: 1,
      streamVersion: 2,
    });
    expect(await logOf(r, second.eventId)).toEqual({ events: [], outcomes: 1 });

    // Redelivered (sent again with the same id), then a command with the right version as a marker:
    // the redelivery changes nothing and writes no second outcome.
    const marker = changeEnvelope(stream, 'third@example.com', 2);
    await produce(r, [second, marker]);
    expect(await outcomeOf(r, marker.eventId)).toMatchObject({ status: 'applied', streamVersion: 3 });
    expect(await decided(r, second.eventId)).toEqual(rejected);
    expect(await logOf(r, second.eventId)).toEqual({ events: [], outcomes: 1 });

    // A restart (a new process on the same deployment, command state read back from the log).
    await r.stop();
    const again = await projectionists.start({ env: projectionists.env(prefix), http: true });
    expect(await outcomeOf(again, second.eventId)).toEqual(rejected);
    const late = changeEnvelope(stream, 'fourth@example.com', 3);
    await produce(again, [second, late]);
    expect(await outcomeOf(again, late.eventId)).toMatchObject({ status: 'applied', streamVersion: 4 });
    expect(await decided(again, second.eventId)).toEqual(rejected);
    expect(await logOf(again, second.eventId)).toEqual({ events: [], outcomes: 1 });
    // The email is the applied ones', never the rejected one's.
    const emails = (await eventsTopic(again))
      .filter((e) => e.streamId === stream && e.type === 'CustomerEmailChanged')
      .map((e) => (e.data as { email: string }).email);
    expect(emails).toEqual(['first@example.com', 'third@example.com', 'fourth@example.com']);
  }, 180_000);

  it('reads 0 as a stream with no events yet, and dead-letters a topic record whose expectedVersion is not a whole number', async () => {
    const r = await projectionists.start({ env: projectionists.env(), http: true });
    const create = (id: string, streamId: string) => {
      const body = registerCustomer(id, streamId);
      return createEnvelope({
        eventId: id,
        type: body.type,
        version: body.version,
        streamId,
        data: body.payload,
        expectedVersion: 0,
      });
    };
    const fresh = create(randomUUID(), 'cus-ev-new');
    const twice = create(randomUUID(), 'cus-ev-new');
    await produce(r, [fresh, twice]);
    expect(await outcomeOf(r, fresh.eventId)).toMatchObject({ status: 'applied', streamVersion: 1 });
    expect(await outcomeOf(r, twice.eventId)).toMatchObject({
      status: 'rejected',
      reason: 'expected version 0 but stream cus-ev-new is at 1',
    });
    // Not a number: the record is poison (it has no readable envelope), dead-lettered with the reason.
    const bad = { ...changeEnvelope('cus-ev-new', 'bad@example.com'), expectedVersion: '1' };
    const marker = changeEnvelope('cus-ev-new', 'marker@example.com', 1);
    const appender = await new Appender(r.log).connect();
    try {
      await appender.send(r.log.topics.commands, [
        { key: 'cus-ev-new', value: Buffer.from(JSON.stringify(bad)), headers: {} },
        encodeEnvelope(marker),
      ]);
    } finally {
      await appender.close();
    }
    expect(await outcomeOf(r, marker.eventId)).toMatchObject({ status: 'applied', streamVersion: 2 });
    const dead: string[] = [];
    for await (const batch of readLog({ client: r.log, topic: r.log.topics.deadLetters, until: 'latest' }))
      dead.push(...batch.records.map((d) => d.headers[deadLetterHeaders.reason] ?? ''));
    expect(dead).toEqual(['malformed envelope: expectedVersion must be a whole number >= 0 when present']);
    expect(await logOf(r, bad.eventId)).toEqual({ events: [], outcomes: 0 });
  }, 120_000);

  it('takes expectedVersion over HTTP: the right one is applied, a stale one rejected with both versions', async () => {
    const r = await projectionists.start({ env: projectionists.env(), http: true });
    const post = async (body: object) => {
      const res = await r.app!.inject({ method: 'POST', url: '/commands?wait=10000', payload: body });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<Outcome>();
    };
    const stream = 'cus-ev-http';
    expect(await post({ ...registerCustomer(randomUUID(), stream), expectedVersion: 0 })).toMatchObject({
      status: 'applied',
      streamVersion: 1,
    });
    const change = (email: string, expectedVersion: number) => ({
      id: randomUUID(),
      type: 'ChangeCustomerEmail',
      version: 1,
      streamId: stream,
      payload: { email },
      expectedVersion,
    });
    expect(await post(change('a@example.com', 1))).toMatchObject({ status: 'applied', streamVersion: 2 });
    const stale = await post(change('b@example.com', 1));
    expect(stale).toMatchObject({
      status: 'rejected',
      reason: `expected version 1 but stream ${stream} is at 2`,
      expectedVersion: 1,
      streamVersion: 2,
    });
    expect(stale.eventIds).toBeUndefined();
    const refused = await r.app!.inject({
      method: 'POST',
      url: '/commands',
      payload: { ...change('c@example.com', 1), expectedVersion: -1 },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ issues: { path: string }[] }>().issues.map((i) => i.path)).toEqual([
      'expectedVersion',
    ]);
  }, 120_000);
});
