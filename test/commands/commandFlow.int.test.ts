import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  catalogFromContracts,
  deadLetterHeaders,
  startCommandSide,
  type CommandCatalog,
} from '../../src/commands/index.ts';
import { contractRegistry } from '../../events/index.ts';
import { schemaFingerprint } from '../../src/contracts/index.ts';
import {
  Appender,
  createEnvelope,
  decodeEnvelope,
  encodeEnvelope,
  headerNames,
  partitionFor,
  readLog,
  recordHeader,
  type Envelope,
  type LogRecord,
} from '../../src/log/index.ts';
import { type Running } from '../../src/main.ts';
import { testLogger } from '../harness/testServices.ts';
import { eventually } from '../harness/testEnv.ts';
import { useProjectionists } from '../harness/useProjectionists.ts';
import { registerCustomer as register } from '../api/support/registerCustomer.ts';

const projectionists = useProjectionists();

const start = async (prefix?: string, workers = true) => {
  return projectionists.start({ env: projectionists.env(prefix), http: true, workers });
};

const outcomeOf = async (r: Running, id: string) => {
  const res = await r.app!.inject({ method: 'GET', url: `/commands/${id}` });
  const body = res.json<{ status: string; eventIds?: string[]; reason?: string }>();
  return body.status === 'applied' || body.status === 'rejected' ? body : undefined;
};

const allRecords = async (r: Running, topic: string): Promise<LogRecord[]> => {
  const out: LogRecord[] = [];
  for await (const batch of readLog({ client: r.log, topic, until: 'latest' })) out.push(...batch.records);
  return out;
};

const eventsCausedBy = async (r: Running, commandId: string): Promise<Envelope[]> =>
  (await allRecords(r, r.log.topics.events))
    .map((x) => decodeEnvelope(x.value))
    .filter((e) => e.causationId === commandId && !e.type.startsWith('projectionist.'));

describe('commands', () => {
  it('accepts a command over HTTP and applies it, with its events visible by id', async () => {
    const r = await start();
    const id = randomUUID();
    const res = await r.app!.inject({ method: 'POST', url: '/commands', payload: register(id, 'cus-1') });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ commandId: id, status: 'accepted' });
    const outcome = await eventually(() => outcomeOf(r, id), 30_000, 'the outcome');
    expect(outcome.status).toBe('applied');
    const events = await eventsCausedBy(r, id);
    expect(events.map((e) => e.eventId)).toEqual(outcome.eventIds);
    expect(events[0]).toMatchObject({
      type: 'CustomerRegistered',
      streamId: 'cus-1',
      version: contractRegistry.latestVersion('CustomerRegistered'),
    });
    // checked against the newest schema when decided: readers at that schema need not again
    const [record] = (await allRecords(r, r.log.topics.events)).filter(
      (x) => decodeEnvelope(x.value).eventId === events[0]!.eventId,
    );
    const fingerprint = schemaFingerprint(contractRegistry.lookup('event', 'CustomerRegistered')!);
    expect(recordHeader(record!, headerNames.schema)).toBe(fingerprint);
    expect(record!.headers[headerNames.schema]).toBe(fingerprint);
  });

  it('rejects a command its decider refuses, with the reason', async () => {
    const r = await start();
    const first = randomUUID();
    const second = randomUUID();
    await r.app!.inject({ method: 'POST', url: '/commands', payload: register(first, 'cus-2') });
    await eventually(() => outcomeOf(r, first));
    await r.app!.inject({ method: 'POST', url: '/commands', payload: register(second, 'cus-2') });
    const outcome = await eventually(() => outcomeOf(r, second));
    expect(outcome.status).toBe('rejected');
    expect(outcome.reason).toMatch(/already/);
  });

  it('yields one set of events for the same command id sent twice', async () => {
    const r = await start();
    const id = randomUUID();
    const first = await r.app!.inject({ method: 'POST', url: '/commands', payload: register(id, 'cus-3') });
    await eventually(() => outcomeOf(r, id));
    const again = await r.app!.inject({ method: 'POST', url: '/commands', payload: register(id, 'cus-3') });
    expect([first.statusCode, again.statusCode]).toEqual([202, 202]);
    // a marker command after the duplicate, on the same stream's partition, shows the duplicate was passed
    const marker = randomUUID();
    await r.app!.inject({
      method: 'POST',
      url: '/commands',
      payload: {
        ...register(marker, 'cus-3'),
        type: 'ChangeCustomerEmail',
        version: 1,
        payload: { email: 'new@example.com' },
      },
    });
    expect((await eventually(() => outcomeOf(r, marker))).status).toBe('applied');
    expect(await eventsCausedBy(r, id)).toHaveLength(1);
  });

  it("applies yesterday's old-format commands, upcast to the newest shape", async () => {
    const r = await start();
    const appender = await new Appender(r.log).connect();
    const id = randomUUID();
    try {
      const v1 = createEnvelope({
        eventId: id,
        type: 'RegisterCustomer',
        version: 1,
        streamId: 'cus-old',
        data: contractRegistry.lookup('command', 'RegisterCustomer')!.versions[0]!.samples[0],
      });
      await appender.send(r.log.topics.commands, [encodeEnvelope(v1)]);
    } finally {
      await appender.close();
    }
    expect((await eventually(() => outcomeOf(r, id))).status).toBe('applied');
    const [event] = await eventsCausedBy(r, id);
    expect(event?.data).toMatchObject({ firstName: expect.any(String), lastName: expect.any(String) });
  });

  it('dead-letters what no contract accepts, with the reason, and keeps the partition moving', async () => {
    const r = await start();
    const appender = await new Appender(r.log).connect();
    const good = randomUUID();
    try {
      // all on one stream, so all on one partition, the good one last
      await appender.send(r.log.topics.commands, [
        { key: 'cus-dead', value: Buffer.from('not json at all'), headers: {} },
        encodeEnvelope(createEnvelope({ type: 'LaunchRocket', version: 1, streamId: 'cus-dead', data: {} })),
        encodeEnvelope(
          createEnvelope({
            type: 'RegisterCustomer',
            version: 2,
            streamId: 'cus-dead',
            data: { firstName: 42 },
          }),
        ),
        encodeEnvelope(
          createEnvelope({
            eventId: good,
            type: 'RegisterCustomer',
            version: 2,
            streamId: 'cus-dead',
            data: register(good, 'cus-dead').payload,
          }),
        ),
      ]);
    } finally {
      await appender.close();
    }
    expect((await eventually(() => outcomeOf(r, good))).status).toBe('applied');
    const dead = await allRecords(r, r.log.topics.deadLetters);
    expect(dead).toHaveLength(3);
    const reasons = dead.map((d) => d.headers[deadLetterHeaders.reason]);
    expect(reasons[0]).toMatch(/not JSON/);
    expect(reasons[1]).toMatch(/unknown command type 'LaunchRocket'/);
    expect(reasons[2]).toMatch(/firstName/);
    expect(dead[0]?.value?.toString()).toBe('not json at all');
    expect(dead.every((d) => d.headers[deadLetterHeaders.sourceTopic] === r.log.topics.commands)).toBe(true);
    // A dead-lettered command with an id says so, with the reason, instead of a 404.
    const rocketId = decodeEnvelope(dead[1]!.value).eventId;
    const rocket = await eventually(async () => {
      const res = await r.app!.inject({ method: 'GET', url: `/commands/${rocketId}` });
      const body = res.json<{ status?: string; reason?: string }>();
      return body.status === 'dead-lettered' ? body : undefined;
    });
    expect(rocket.reason).toMatch(/unknown command type 'LaunchRocket'/);
  });

  it('holds a command one version newer than it knows with its stream only, and a worker that knows it applies them in order', async () => {
    const r = await start(undefined, false);
    const base = catalogFromContracts(contractRegistry);
    // "Tomorrow's" RegisterCustomer v3: v2 plus a loyalty tier, which tomorrow's upcaster knows.
    const tomorrow: CommandCatalog = {
      ...base,
      decodeCommand: (type, version, data) =>
        type === 'RegisterCustomer' && version === 3
          ? base.decodeCommand(
              type,
              2,
              Object.fromEntries(Object.entries(data as object).filter(([k]) => k !== 'tier')),
            )
          : base.decodeCommand(type, version, data),
    };
    const side = (catalog: CommandCatalog) =>
      startCommandSide({
        pool: r.pool,
        log: r.log,
        store: r.store,
        catalog,
        logger: testLogger(),
        sessionTimeoutMs: 10_000,
        leaseTtlMs: 2_000,
      });
    const statusOf = async (id: string) => {
      const res = await r.app!.inject({ method: 'GET', url: `/commands/${id}` });
      return res.statusCode === 200 ? res.json<{ status: string; reason?: string }>() : undefined;
    };
    const today = await side(base);
    const appender = await new Appender(r.log).connect();
    const newer = randomUUID();
    const behind = randomUUID();
    const other = randomUUID();
    try {
      await appender.send(r.log.topics.commands, [
        encodeEnvelope(
          createEnvelope({
            eventId: newer,
            type: 'RegisterCustomer',
            version: 3,
            streamId: 'cus-new',
            data: { ...register(newer, 'cus-new').payload, tier: 'gold' },
          }),
        ),
        encodeEnvelope(
          createEnvelope({
            eventId: behind,
            type: 'ChangeCustomerEmail',
            version: 1,
            streamId: 'cus-new',
            data: { email: 'later@example.com' },
          }),
        ),
      ]);
      // Another stream on the same commands partition keeps flowing: the hold is per stream.
      const commandsPartitions = Number(projectionists.env().PROJECTIONIST_COMMANDS_PARTITIONS);
      const neighbour = Array.from({ length: 100 }, (_, i) => `cus-other-${i}`).find(
        (s) => partitionFor(s, commandsPartitions) === partitionFor('cus-new', commandsPartitions),
      )!;
      await r.app!.inject({ method: 'POST', url: '/commands', payload: register(other, neighbour) });
      expect((await eventually(() => outcomeOf(r, other))).status).toBe('applied');
      const held = await eventually(async () => {
        const s = await statusOf(newer);
        return s?.status === 'waiting' ? s : undefined;
      });
      expect(held.reason).toMatch(/RegisterCustomer v3 is newer than this worker knows/);
      const queued = await eventually(async () => {
        const s = await statusOf(behind);
        return s?.status === 'waiting' ? s : undefined;
      });
      expect(queued.reason).toMatch(new RegExp(`queued behind command ${newer}`));
      await today.stop();
      expect(await allRecords(r, r.log.topics.deadLetters)).toHaveLength(0);

      const upgraded = await side(tomorrow);
      try {
        expect((await eventually(() => outcomeOf(r, newer))).status).toBe('applied');
        // Decided after the registration it queued behind, so it applies (it would be rejected first).
        expect((await eventually(() => outcomeOf(r, behind))).status).toBe('applied');
      } finally {
        await upgraded.stop();
      }
    } finally {
      await appender.close();
    }
  });
});
