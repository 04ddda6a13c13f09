import { describe, expect, it } from 'vitest';
import { CustomerRegistered, contractRegistry } from '../../events/index.ts';
import { createEnvelope, type Envelope } from '../../src/log/index.ts';
import { contractsDecoder, type EventDecoder } from '../../src/projections/index.ts';
import {
  defineProjection,
  type PoisonPolicy,
  type ProjectionDefinition,
  type ProjectionEvent,
  type ProjectionHandler,
  type TablesSpec,
} from '../../src/definitions/index.ts';
import { listParked, listProjections, requestParkedRetry, skipParked } from '../../src/registry/index.ts';
import { customerDirectoryV1 } from '../../projections/customer-directory/v1.ts';
import { sampleOf } from '../../src/testing/index.ts';
import { customerEvents } from '../rebuild/support/customerEvents.ts';
import { appendAll } from './support/appendAll.ts';
import { useProjectionBed } from './support/projectionBed.ts';

const decode = contractsDecoder(contractRegistry);

const address = (city: string) => ({ street: 'Main 1', postalCode: '1015 CJ', city, country: 'NL' });
const registered = (streamId: string, firstName: string, lastName = 'Example') =>
  createEnvelope({
    type: 'CustomerRegistered',
    version: 3,
    streamId,
    data: sampleOf(CustomerRegistered, {
      firstName,
      lastName,
      email: `${streamId}@example.com`,
      address: address('Amsterdam'),
    }),
  });
const moved = (streamId: string, city: string, version = 2) =>
  createEnvelope({ type: 'CustomerMoved', version, streamId, data: { address: address(city) } });
const renamed = (streamId: string, lastName: string) =>
  createEnvelope({
    type: 'CustomerDetailsChanged',
    version: 1,
    streamId,
    data: { firstName: 'Ada', lastName, phone: null },
  });

/** The customer directory as version `version`, with `policy`, and handlers wrapped by `wrap`. */
const directory = (
  version: number,
  options: { policy?: PoisonPolicy; throwsFor?: (e: ProjectionEvent) => boolean } = {},
): ProjectionDefinition => {
  const handlers = customerDirectoryV1.handlers as Record<string, ProjectionHandler<TablesSpec>>;
  const throwsFor = options.throwsFor;
  return defineProjection({
    name: 'customer-directory',
    version,
    tables: customerDirectoryV1.tables,
    ...(options.policy === undefined ? {} : { onPoison: options.policy }),
    handlers: Object.fromEntries(
      Object.entries(handlers).map(([type, handler]) => [
        type,
        {
          keys: (e: ProjectionEvent) => handler.keys(e),
          apply: (e: ProjectionEvent, store: Parameters<ProjectionHandler<TablesSpec>['apply']>[1]) => {
            if (throwsFor?.(e) === true) throw new Error(`boom at ${e.eventId}`);
            handler.apply(e, store);
          },
        },
      ]),
    ),
  });
};

/** Streams a customerEvents history leaves in the directory: registered and not erased. */
const expectedIds = (events: readonly Envelope[]) => {
  const ids = new Set<string>();
  for (const e of events) {
    if (e.type === 'CustomerRegistered') ids.add(e.streamId);
    if (e.type === 'CustomerErased') ids.delete(e.streamId);
  }
  return ids;
};

describe('parking what a projection version cannot take', () => {
  const bed = useProjectionBed({
    label: 'park',
    eventsPartitions: 3,
    poolMax: 8,
    registry: true,
    projectorDefaults: {
      decode,
      limits: { maxDelayMs: 50 },
      retry: { minMs: 20, maxMs: 200 },
      parkedPollMs: 100,
    },
  });

  /** Fails the test in 30 s rather than letting a wedged projector hang it. */
  const soon = () => ({ signal: AbortSignal.timeout(30_000) });
  const ids = async (version: number) =>
    new Set(
      (
        await bed.pool.query<{ id: string }>(`select id from "customer_directory__v${version}".customers`)
      ).rows.map((r) => r.id),
    );
  const summary = async (version: number) =>
    (await listProjections({ pool: bed.pool }))
      .find((p) => p.name === 'customer-directory')
      ?.versions.find((v) => v.version === version);

  it('parks an event whose text PostgreSQL cannot store (a NUL), and the rest of the log flows', async () => {
    const { pool, client } = bed;
    const history = customerEvents({ count: 300, customers: 40, seed: 7 });
    const poison = registered('cus-nul', 'Ada\u0000Nul');
    const behind = moved('cus-nul', 'Paris');
    const after = registered('cus-after', 'Grace');
    await appendAll(client, [...history.slice(0, 150), poison, behind, ...history.slice(150), after]);

    const projector = await bed.startProjector({ definition: directory(1) });
    await projector.events.once('projector:caught-up', soon());

    const parked = await listParked({ pool, name: 'customer-directory', version: 1 });
    expect(parked.map((p) => [p.eventId, p.kind, p.behind])).toEqual([
      [poison.eventId, 'failed', null],
      [behind.eventId, 'waiting', poison.eventId],
    ]);
    expect(parked[0]?.reason).toMatch(/SQLSTATE 22021.*invalid byte sequence for encoding "UTF8": 0x00/);
    expect(parked[1]?.reason).toMatch(new RegExp(`queued behind ${poison.eventId}`));
    expect(await ids(1)).toEqual(new Set([...expectedIds(history), 'cus-after']));
    expect(projector.state.status).toBe('tailing');
    const version = await summary(1);
    expect(version?.health).toMatchObject({ status: 'degraded', parked: 2, failed: 1, waiting: 1 });
    expect(version?.state.status).not.toBe('failed');

    // the live tail goes on too: an event sent now becomes visible
    const flushed = projector.events.once('projector:batch', {
      filter: (b) => b.applied > 0,
      ...soon(),
    });
    await appendAll(client, [registered('cus-live', 'Hedy')]);
    await flushed;
    expect((await ids(1)).has('cus-live')).toBe(true);
  });

  it('under the stop policy, marks the version failed with the reason instead, never live', async () => {
    await appendAll(bed.client, [
      registered('cus-1', 'Ada'),
      registered('cus-nul', 'Ada\u0000Nul'),
      registered('cus-2', 'Grace'),
    ]);
    const projector = await bed.startProjector({ definition: directory(2, { policy: 'stop' }) });
    const failed = await projector.events.once('projector:failed', soon());
    expect(failed.error.message).toMatch(/invalid byte sequence/);
    const version = await summary(2);
    expect(version?.state).toMatchObject({ status: 'failed' });
    expect(version?.health).toMatchObject({ status: 'failed', parked: 1 });
    expect(version?.health.status === 'failed' && version.health.reason).toMatch(
      /invalid byte sequence.*policy stop/,
    );
    expect(projector.state.status).toBe('failed');
  });

  it('parks an event whose handler throws; its stream queues behind it, other streams flow', async () => {
    const { pool, client } = bed;
    const boom = renamed('cus-b', 'Boom');
    const later = moved('cus-b', 'Paris');
    await appendAll(client, [
      registered('cus-a', 'Ada'),
      registered('cus-b', 'Grace'),
      boom,
      later,
      registered('cus-c', 'Hedy'),
      moved('cus-a', 'Utrecht'),
    ]);
    const definition = directory(3, { throwsFor: (e) => e.eventId === boom.eventId });
    const projector = await bed.startProjector({ definition });
    await projector.events.once('projector:caught-up', soon());

    const parked = await listParked({ pool, name: 'customer-directory', version: 3 });
    expect(parked.map((p) => [p.eventId, p.kind])).toEqual([
      [boom.eventId, 'failed'],
      [later.eventId, 'waiting'],
    ]);
    expect(parked[0]?.reason).toMatch(/CustomerDetailsChanged handler failed .*boom at/);
    const rows = await pool.query<{ id: string; city: string }>(
      `select id, city from "customer_directory__v3".customers order by id`,
    );
    expect(rows.rows).toEqual([
      { id: 'cus-a', city: 'Utrecht' },
      { id: 'cus-b', city: 'Amsterdam' },
      { id: 'cus-c', city: 'Amsterdam' },
    ]);
    expect((await summary(3))?.health).toMatchObject({ status: 'degraded', parked: 2 });
  });

  it('holds a stream behind an event newer than the code, and code that knows it applies them in order', async () => {
    const { pool, client } = bed;
    const tooNew = moved('cus-new', 'Paris', 99);
    const queued = moved('cus-new', 'Utrecht');
    await appendAll(client, [registered('cus-new', 'Ada'), tooNew, queued, registered('cus-other', 'Grace')]);
    const definition = directory(4);
    const first = await bed.startProjector({ definition });
    await first.events.once('projector:caught-up', soon());

    expect(await ids(4)).toEqual(new Set(['cus-new', 'cus-other']));
    const city = async () =>
      (
        await pool.query<{ city: string }>(
          `select city from "customer_directory__v4".customers where id = 'cus-new'`,
        )
      ).rows[0]?.city;
    expect(await city()).toBe('Amsterdam');
    const waiting = await listParked({ pool, name: 'customer-directory', version: 4 });
    expect(waiting.map((p) => [p.eventId, p.kind, p.writtenVersion])).toEqual([
      [tooNew.eventId, 'waiting', 99],
      [queued.eventId, 'waiting', 2],
    ]);
    expect(waiting[0]?.reason).toMatch(/CustomerMoved v99 is newer than this code knows/);
    expect((await summary(4))?.health).toMatchObject({ status: 'degraded', parked: 2, waiting: 2 });
    await first.stop();

    // A newer process: its decoder knows v99 (here: the v2 shape).
    const newer: EventDecoder = (envelope) =>
      envelope.type === 'CustomerMoved' && envelope.version === 99
        ? { status: 'ok', type: envelope.type, data: envelope.data }
        : decode(envelope);
    const second = await bed.startProjector({ definition, decode: newer, holder: 'newer' });
    const released = await second.events.once('projector:released', soon());
    expect(released.positions).toHaveLength(2);
    await second.events.once('projector:caught-up', soon());
    // applied in their order: Paris (v99), then Utrecht
    expect(await city()).toBe('Utrecht');
    expect(await listParked({ pool, name: 'customer-directory', version: 4 })).toEqual([]);
    expect((await summary(4))?.health).toEqual({ status: 'ok' });
  });

  it('lets an operator retry parked events once the cause is gone, and skip one for good', async () => {
    const { pool, client } = bed;
    let broken = true;
    const flaky = renamed('cus-r', 'Flaky');
    const boom = renamed('cus-s', 'Boom');
    const afterBoom = moved('cus-s', 'Paris');
    await appendAll(client, [
      registered('cus-r', 'Ada'),
      registered('cus-s', 'Grace'),
      flaky,
      boom,
      afterBoom,
    ]);
    const definition = directory(5, {
      throwsFor: (e) => e.eventId === boom.eventId || (broken && e.eventId === flaky.eventId),
    });
    const projector = await bed.startProjector({ definition });
    await projector.events.once('projector:caught-up', soon());
    const parked = await listParked({ pool, name: 'customer-directory', version: 5 });
    expect(new Set(parked.map((p) => p.eventId))).toEqual(
      new Set([flaky.eventId, boom.eventId, afterBoom.eventId]),
    );

    // retry: the cause is gone (as if the bug were fixed), the writer takes the request
    broken = false;
    const retried = projector.events.once('projector:released', soon());
    expect(
      await requestParkedRetry({ pool, name: 'customer-directory', version: 5, eventId: flaky.eventId }),
    ).toEqual({
      requested: 1,
    });
    expect((await retried).positions).toHaveLength(1);
    const name = await pool.query<{ full_name: string }>(
      `select full_name from "customer_directory__v5".customers where id = 'cus-r'`,
    );
    expect(name.rows).toEqual([{ full_name: 'Ada Flaky' }]);

    // skip: the event is given up, the one queued behind it follows
    const followed = projector.events.once('projector:released', soon());
    expect(await skipParked({ pool, name: 'customer-directory', version: 5, eventId: boom.eventId })).toEqual(
      {
        skipped: [boom.eventId],
      },
    );
    expect((await followed).positions).toHaveLength(1);
    const s = await pool.query<{ full_name: string; city: string }>(
      `select full_name, city from "customer_directory__v5".customers where id = 'cus-s'`,
    );
    expect(s.rows).toEqual([{ full_name: 'Grace Example', city: 'Paris' }]);
    expect(await listParked({ pool, name: 'customer-directory', version: 5 })).toEqual([]);
    expect((await summary(5))?.health).toEqual({ status: 'ok' });
    await expect(
      skipParked({ pool, name: 'customer-directory', version: 5, eventId: boom.eventId }),
    ).rejects.toMatchObject({ code: 'PRJ_NOT_FOUND' });
  });
});
