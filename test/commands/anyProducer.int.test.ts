import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contractRegistry } from '../../events/index.ts';
import { catalogFromContracts, commandOutcomeType, type CommandOutcome } from '../../src/commands/index.ts';
import { createEnvelope, decodeEnvelope, partitionFor, readLog, type Envelope } from '../../src/log/index.ts';
import { type Running } from '../../src/main.ts';
import { kcatProduceAll } from '../harness/kcatProduce.ts';
import { eventually } from '../harness/testEnv.ts';
import { kafkaBrokers, testPrefix } from '../harness/testServices.ts';
import { useProjectionists } from '../harness/useProjectionists.ts';
import { commandEnvelope } from '../api/support/commandEnvelope.ts';
import { registerCustomer } from '../api/support/registerCustomer.ts';

const projectionists = useProjectionists();

/**
 * One deployment: an intake without workers (so that commands pile up on the topic first, and
 * the workers then decide them all at once: the race the routing must win), and two instances
 * with workers on the same topics and database, started when asked.
 */
const deployment = async () => {
  const prefix = testPrefix();
  const env = projectionists.env(prefix, { PROJECTIONIST_WORKER_SESSION_TIMEOUT_MS: '6000' });
  const intake = await projectionists.start({ env, http: true, workers: false });
  const instances: Running[] = [];
  return {
    intake,
    startWorkers: async () => {
      for (let i = 0; i < 2; i++) instances.push(await projectionists.start({ env, http: false }));
      return instances;
    },
  };
};

const envelopeLine = (e: Envelope) => JSON.stringify(e);

const allEvents = async (r: Running): Promise<Envelope[]> => {
  const out: Envelope[] = [];
  for await (const batch of readLog({ client: r.log, topic: r.log.topics.events, until: 'latest' }))
    for (const record of batch.records) out.push(decodeEnvelope(record.value));
  return out;
};

const decisionsOf = (events: readonly Envelope[]) => {
  const decided = new Map<string, CommandOutcome[]>();
  for (const e of events) {
    if (e.type !== commandOutcomeType) continue;
    const o = e.data as CommandOutcome;
    if (o.status !== 'applied' && o.status !== 'rejected') continue;
    decided.set(o.commandId, [...(decided.get(o.commandId) ?? []), o]);
  }
  return decided;
};

describe('commands from any producer, on any number of instances', () => {
  it('registers each customer once when one command comes over HTTP and another through librdkafka with wrong, missing or lying keys and headers', async () => {
    const { intake: a, startWorkers } = await deployment();
    const customers = Array.from({ length: 120 }, (_, i) => `cus-any-${i}`);
    const viaHttp = customers.map(() => randomUUID());
    const viaKcat = customers.map(() => randomUUID());
    const kcatEnvelope = (i: number) => commandEnvelope(registerCustomer(viaKcat[i]!, customers[i]!));
    // Four kinds of foreign records: the right key (CRC32 puts it elsewhere than murmur2 would),
    // another stream's key, no key at all, and headers that lie about type and id.
    const brokers = kafkaBrokers();
    const topic = a.log.topics.commands;
    const quarter = (k: number) => customers.map((_, i) => i).filter((i) => i % 4 === k);
    const sends = [
      kcatProduceAll({
        brokers,
        topic,
        records: quarter(0).map((i) => ({ key: customers[i]!, value: envelopeLine(kcatEnvelope(i)) })),
      }),
      kcatProduceAll({
        brokers,
        topic,
        records: quarter(1).map((i) => ({ key: `cus-elsewhere-${i}`, value: envelopeLine(kcatEnvelope(i)) })),
      }),
      kcatProduceAll({
        brokers,
        topic,
        records: quarter(2).map((i) => ({ value: envelopeLine(kcatEnvelope(i)) })),
      }),
      kcatProduceAll({
        brokers,
        topic,
        records: quarter(3).map((i) => ({ value: envelopeLine(kcatEnvelope(i)) })),
        headers: { 'pj-type': 'ShipOrder', 'pj-version': '7', 'pj-event-id': 'not-the-id' },
      }),
      ...customers.map((c, i) =>
        a.app!.inject({ method: 'POST', url: '/commands', payload: registerCustomer(viaHttp[i]!, c) }),
      ),
    ];
    await Promise.all(sends);
    await startWorkers();
    const ids = [...viaHttp, ...viaKcat];
    await eventually(
      async () => {
        const res = await Promise.all(
          ids.map((id) => a.app!.inject({ method: 'GET', url: `/commands/${id}` })),
        );
        return res.every((r) => ['applied', 'rejected'].includes(r.json<{ status: string }>().status))
          ? true
          : undefined;
      },
      60_000,
      'every command decided',
    );
    const events = await allEvents(a);
    const registered = new Map<string, number>();
    for (const e of events)
      if (e.type === 'CustomerRegistered') registered.set(e.streamId, (registered.get(e.streamId) ?? 0) + 1);
    expect(customers.filter((c) => registered.get(c) !== 1)).toEqual([]);
    const decided = decisionsOf(events);
    expect(ids.filter((id) => decided.get(id)?.length !== 1)).toEqual([]);
    // Each customer: exactly one of its two commands applied, the other rejected as a repeat.
    for (let i = 0; i < customers.length; i++) {
      const statuses = [decided.get(viaHttp[i]!)?.[0]?.status, decided.get(viaKcat[i]!)?.[0]?.status].sort();
      expect(statuses).toEqual(['applied', 'rejected']);
    }
  });

  it('never refunds past a payment when refunds race through both instances and both producers', async () => {
    const { intake: a, startWorkers } = await deployment();
    const payments = Array.from({ length: 30 }, (_, i) => `pay-race-${i}`);
    const record = (p: string) => ({
      id: randomUUID(),
      type: 'RecordPayment',
      version: 2,
      streamId: p,
      payload: { orderId: `ord-${p}`, amountCents: 1000, currency: 'EUR', method: 'card', reference: null },
    });
    await startWorkers();
    const recorded = payments.map(record);
    await Promise.all(recorded.map((c) => a.app!.inject({ method: 'POST', url: '/commands', payload: c })));
    await eventually(
      async () =>
        (await a.store.decidedAmong(recorded.map((c) => c.id))).size === payments.length ? true : undefined,
      60_000,
      'every payment recorded',
    );
    // Three refunds of 400 per payment of 1000, racing through both instances: at most two may apply.
    const refunds = payments.flatMap((p) =>
      [0, 1, 2].map((k) => ({
        id: randomUUID(),
        type: 'RefundPayment',
        version: 1,
        streamId: p,
        payload: { amountCents: 400, reason: `refund ${k}` },
      })),
    );
    const topic = a.log.topics.commands;
    await Promise.all([
      kcatProduceAll({
        brokers: kafkaBrokers(),
        topic,
        records: refunds
          .filter((_, i) => i % 3 === 0)
          .map((c) => ({
            key: c.streamId,
            value: envelopeLine(commandEnvelope(c)),
          })),
      }),
      ...refunds
        .filter((_, i) => i % 3 !== 0)
        .map((c) => a.app!.inject({ method: 'POST', url: '/commands', payload: c })),
    ]);
    await eventually(
      async () => {
        const events = await allEvents(a);
        const decided = decisionsOf(events);
        return refunds.every((c) => decided.has(c.id)) ? true : undefined;
      },
      60_000,
      'every refund decided',
    );
    const events = await allEvents(a);
    const refunded = new Map<string, number>();
    for (const e of events)
      if (e.type === 'PaymentRefunded')
        refunded.set(
          e.streamId,
          (refunded.get(e.streamId) ?? 0) + (e.data as { amountCents: number }).amountCents,
        );
    expect(payments.filter((p) => refunded.get(p) !== 800)).toEqual([]);
    expect([...decisionsOf(events).values()].filter((d) => d.length !== 1)).toEqual([]);
    // The deciders' stored state is a single fold of each stream's events.
    const catalog = catalogFromContracts(contractRegistry);
    const folded = new Map<string, unknown>();
    for (const e of events) {
      const aggregate = catalog.aggregateOfEvent(e.type);
      if (aggregate === undefined) continue;
      const decoded = catalog.decodeEvent(e.type, e.version, e.data);
      if (decoded.status !== 'ok') continue;
      folded.set(
        e.streamId,
        catalog.evolve(aggregate, folded.get(e.streamId) ?? catalog.initialState(aggregate), {
          type: e.type,
          data: decoded.value,
        }),
      );
    }
    const stored = await eventually(async () => {
      const rows = await a.store.loadStreamStates(payments);
      return payments.every((p) => JSON.stringify(rows.get(p)?.state) === JSON.stringify(folded.get(p)))
        ? rows
        : undefined;
    });
    expect(stored.size).toBe(payments.length);
    // What a worker recalls before it decides, in one round trip, is what the three reads answer
    // (ids and stream ids with quotes and backslashes included: they are inlined as literals).
    const odd = `no'such"stream\\`;
    const ids = [...recorded.map((c) => c.id), odd];
    const recalled = await a.store.recall({ commandIds: ids, streamIds: [...payments, odd] });
    expect(recalled.decided).toEqual(await a.store.decidedAmong(ids));
    expect(recalled.decided.size).toBe(payments.length);
    expect(recalled.states).toEqual(stored);
    expect(recalled.parked).toEqual(new Map());
    const streamsOnly = await a.store.recall({ commandIds: [], streamIds: payments });
    expect(streamsOnly).toEqual({ decided: new Set(), states: stored, parked: new Map() });
  });

  it('dead-letters a command with a NUL or a lone surrogate in its key, id or stream id, and the partition moves on', async () => {
    const { intake: a, startWorkers } = await deployment();
    await startWorkers();
    const marker = randomUUID();
    const stream = 'cus-poison';
    const poison = [
      {
        key: 'cus-\u0000key',
        value: envelopeLine(
          createEnvelope({
            eventId: 'id\u0000nul',
            type: 'RegisterCustomer',
            version: 2,
            streamId: stream,
            data: registerCustomer('x', stream).payload,
          }),
        ),
      },
      {
        key: stream,
        value: envelopeLine(
          createEnvelope({
            type: 'RegisterCustomer',
            version: 2,
            streamId: 'cus-\ud800lone',
            data: registerCustomer('y', stream).payload,
          }),
        ),
      },
      {
        key: stream,
        value: envelopeLine(
          createEnvelope({
            type: 'RegisterCustomer',
            version: 2,
            streamId: stream,
            data: { ...registerCustomer('z', stream).payload, firstName: 'Ada\u0000Nul' },
          }),
        ),
      },
      {
        key: stream,
        value: envelopeLine(
          createEnvelope({
            eventId: 'x'.repeat(10_000),
            type: 'RegisterCustomer',
            version: 2,
            streamId: stream,
            data: registerCustomer('w', stream).payload,
          }),
        ),
      },
      {
        key: stream,
        value: envelopeLine(
          createEnvelope({
            eventId: marker,
            type: 'RegisterCustomer',
            version: 2,
            streamId: stream,
            data: registerCustomer(marker, stream).payload,
          }),
        ),
      },
    ];
    await kcatProduceAll({ brokers: kafkaBrokers(), topic: a.log.topics.commands, records: poison });
    const outcome = await eventually(async () => {
      const res = await a.app!.inject({ method: 'GET', url: `/commands/${marker}` });
      const body = res.json<{ status: string }>();
      return body.status === 'applied' ? body : undefined;
    });
    expect(outcome.status).toBe('applied');
    const dead = [];
    for await (const batch of readLog({ client: a.log, topic: a.log.topics.deadLetters, until: 'latest' }))
      dead.push(...batch.records);
    const reasons = dead.map((d) => d.headers['pj-dead-reason']).sort();
    expect(reasons).toHaveLength(4);
    expect(reasons.filter((r) => /NUL character/.test(r ?? ''))).toHaveLength(2);
    expect(reasons.filter((r) => /unpaired UTF-16 surrogate/.test(r ?? ''))).toHaveLength(1);
    expect(reasons.filter((r) => /eventId is 10000 characters long/.test(r ?? ''))).toHaveLength(1);
    expect(partitionFor(stream, 3)).toBeGreaterThanOrEqual(0);
  });
});
