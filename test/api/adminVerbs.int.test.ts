import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deadLetterHeaders } from '../../src/commands/index.ts';
import { Appender, createEnvelope, encodeEnvelope } from '../../src/log/index.ts';
import type { Running } from '../../src/main.ts';
import { eventually } from '../harness/testEnv.ts';
import { testPrefix, useTestDatabase } from '../harness/testServices.ts';
import { appendAll } from '../projections/support/appendAll.ts';
import { customerEvents } from '../rebuild/support/customerEvents.ts';
import { commandEnvelope } from './support/commandEnvelope.ts';
import { registerCustomer } from './support/registerCustomer.ts';
import { startOperated } from './support/startOperated.ts';
import { openEventStream } from './support/eventStream.ts';

const token = 'admin-token-for-verb-tests-0123456789';
const auth = { authorization: `Bearer ${token}` };
const name = 'customer-directory';

type VersionView = {
  version: number;
  activity: string;
  active: boolean;
  paused: boolean;
  cancelled: boolean;
  state: { status: string };
};

describe('every operator verb through the admin API', () => {
  // One Projectionist per test, started and stopped around it (the leak check counts its connections).
  let r: Running;
  let base: string;
  beforeEach(async () => {
    ({ running: r, base } = await startOperated({
      token,
      env: {
        PROJECTIONIST_STAGING_DATABASE_URL: await useTestDatabase(),
        PROJECTIONIST_STAGING_KEY: 'a-staging-key-of-at-least-32-characters!',
        PROJECTIONIST_STAGING_TOPIC_PREFIX: testPrefix('stg'),
      },
    }));
    await appendAll(r.log, customerEvents({ count: 3_000, customers: 300, seed: 21 }));
  });
  afterEach(async () => {
    await r.stop();
  });

  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const res = await r.app!.inject({
      method,
      url,
      headers: auth,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
    return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
  };
  const versionsOf = async (projection: string) => {
    const { body } = await call('GET', '/admin/projections');
    const projections = body.projections as { name: string; versions: VersionView[] }[];
    return projections.find((p) => p.name === projection)?.versions ?? [];
  };
  const waitVersion = (version: number, test: (v: VersionView) => boolean, what: string) =>
    eventually(
      async () => {
        const v = (await versionsOf(name)).find((x) => x.version === version);
        return v !== undefined && test(v) ? v : undefined;
      },
      60_000,
      what,
    );

  /** customer-directory v1 built and serving (the first version of a projection takes over by itself). */
  const buildFirst = async () => {
    expect((await call('POST', `/admin/projections/${name}/versions/1/rebuild`)).status).toBe(200);
    await waitVersion(1, (v) => v.active && v.state.status === 'live', 'v1 live');
  };

  it('rebuilds, verifies, cuts over, rolls back, retires, pauses, resumes and cancels, and keeps the audit log', async () => {
    expect((await versionsOf(name)).map((v) => v.activity)).toEqual(['waiting', 'waiting']);

    const rebuilt = await call('POST', `/admin/projections/${name}/versions/1/rebuild`);
    expect(rebuilt).toMatchObject({ status: 200, body: { name, version: 1, fromScratch: false } });
    // the first version of a projection serving none takes over by itself
    await waitVersion(1, (v) => v.active && v.state.status === 'live', 'v1 live');
    const fromScratch = await call('POST', `/admin/projections/${name}/versions/2/rebuild`, {
      fromScratch: true,
    });
    expect(fromScratch.status).toBe(200);
    await waitVersion(2, (v) => v.activity === 'ready', 'v2 ready');

    const verified = await call('POST', `/admin/projections/${name}/versions/2/verify`);
    expect(verified).toMatchObject({ status: 200, body: { passed: true } });

    const switched = await call('POST', `/admin/projections/${name}/versions/2/cutover`);
    expect(switched).toMatchObject({ status: 200, body: { from: 1, to: 2 } });
    expect((await versionsOf(name)).map((v) => [v.version, v.state.status, v.active])).toEqual([
      [1, 'standby', false],
      [2, 'live', true],
    ]);

    const back = await call('POST', `/admin/projections/${name}/rollback`);
    expect(back).toMatchObject({ status: 200, body: { from: 2, to: 1 } });

    const audit = await call('GET', `/admin/audit?name=${name}`);
    expect(audit.status).toBe(200);
    const entries = audit.body.entries as { from: number | null; to: number; actor: string }[];
    expect(entries.map((e) => [e.from, e.to])).toEqual([
      [2, 1],
      [1, 2],
      [null, 1],
    ]);
    expect(entries[0]?.actor).toMatch(/^http:/);
    const page = await call('GET', `/admin/audit?name=${name}&limit=2`);
    expect(page.body.next).toEqual(expect.any(String));
    const rest = await call('GET', `/admin/audit?name=${name}&before=${String(page.body.next)}`);
    expect((rest.body.entries as { to: number }[]).map((e) => e.to)).toEqual([1]);

    // v2 is the standby now: retire it
    const retired = await call('POST', `/admin/projections/${name}/versions/2/retire`);
    expect(retired).toMatchObject({ status: 200, body: { name, version: 2 } });
    expect((await versionsOf(name)).find((v) => v.version === 2)?.state.status).toBe('retired');

    const paused = await call('POST', `/admin/projections/${name}/versions/1/pause`);
    expect(paused).toMatchObject({ status: 200, body: { paused: true } });
    expect((await versionsOf(name)).find((v) => v.version === 1)?.paused).toBe(true);
    const resumed = await call('POST', `/admin/projections/${name}/versions/1/resume`);
    expect(resumed).toMatchObject({ status: 200, body: { paused: false } });
    expect((await versionsOf(name)).find((v) => v.version === 1)?.paused).toBe(false);

    const cancelled = await call('POST', `/admin/projections/order-totals/versions/1/cancel`);
    expect(cancelled).toMatchObject({ status: 200, body: { cancelled: true } });
    expect((await versionsOf('order-totals')).find((v) => v.version === 1)?.activity).toBe('cancelled');
  });

  it('answers refusals with 409 and bad input with 4xx problems that say what is wrong', async () => {
    const notBuilt = await call('POST', `/admin/projections/${name}/versions/2/cutover`);
    expect(notBuilt).toMatchObject({ status: 409, body: { code: 'PRJ_NOT_CAUGHT_UP' } });
    const nothingBefore = await call('POST', `/admin/projections/${name}/rollback`);
    expect(nothingBefore).toMatchObject({ status: 409, body: { code: 'PRJ_VERSION_STATE' } });
    expect(nothingBefore.body.detail).toContain('nothing to roll back');
    const unknown = await call('POST', `/admin/projections/no-such/versions/1/cutover`);
    expect(unknown.status).toBe(404);

    const badBody = await call('POST', `/admin/projections/${name}/versions/1/rebuild`, {
      fromScratch: 'yes',
    });
    expect(badBody).toMatchObject({ status: 400, body: { code: 'PRJ_VALIDATION' } });
    expect((badBody.body.issues as { path: string }[]).map((i) => i.path)).toEqual(['fromScratch']);
    const extra = await call('POST', `/admin/projections/${name}/versions/1/rebuild`, { everything: true });
    expect(extra.status).toBe(400);
    for (const url of [
      '/admin/audit?limit=0',
      '/admin/audit?before=abc',
      '/admin/audit?name=Bad%20Name',
      `/admin/projections/${name}/versions/0/parked`,
      `/admin/projections/${name}/versions/1/parked?limit=x`,
    ]) {
      const res = await call('GET', url);
      expect(res.status, url).toBe(400);
      expect(res.body.issues, url).toEqual(expect.any(Array));
    }
    const badOffsets = await call('POST', '/admin/dead-letters/redrive', { offsets: ['-1'] });
    expect(badOffsets.status).toBe(400);
    for (const eventId of ['a\u0000b', '\ud800', 'x'.repeat(201)]) {
      const res = await call('POST', `/admin/projections/${name}/versions/1/parked/skip`, { eventId });
      expect(res, JSON.stringify(eventId)).toMatchObject({ status: 400, body: { code: 'PRJ_VALIDATION' } });
    }
    const hugeId = await call('GET', `/admin/audit?before=${'9'.repeat(19)}`);
    expect(hugeId.status).toBe(400);
  });

  it('lists, retries and skips parked events', async () => {
    await buildFirst();
    // an event newer than this code: the live version parks it and waits for code that knows it
    const tooNew = createEnvelope({
      type: 'CustomerMoved',
      version: 99,
      streamId: 'cus-1',
      data: { address: { street: 'Main 1', postalCode: '1015 CJ', city: 'Paris', country: 'FR' } },
    });
    const stream = await openEventStream(`${base}/admin/events`, auth);
    await stream.waitFor('hello');
    await appendAll(r.log, [tooNew]);
    const parkedUrl = `/admin/projections/${name}/versions/1/parked`;
    const listed = await eventually(
      async () => {
        const { body } = await call('GET', parkedUrl);
        const parked = body.parked as { eventId: string; kind: string; writtenVersion: number }[];
        return parked.length > 0 ? parked : undefined;
      },
      30_000,
      'the event to be parked',
    );
    expect(listed.map((p) => [p.eventId, p.kind, p.writtenVersion])).toEqual([
      [tooNew.eventId, 'waiting', 99],
    ]);

    // the live feed told of it too, without its data
    const parkedEvent = await stream.waitFor<{ name: string; events: Record<string, unknown>[] }>(
      'version:parked',
      (e) => e.events.some((p) => p.eventId === tooNew.eventId),
    );
    await stream.close();
    expect(parkedEvent.data.name).toBe(name);
    expect(Object.keys(parkedEvent.data.events[0] ?? {})).not.toContain('envelope');
    const retried = await call('POST', `${parkedUrl}/retry`, { eventId: tooNew.eventId });
    expect(retried).toMatchObject({ status: 200, body: { requested: 1 } });
    const missing = await call('POST', `${parkedUrl}/skip`, { eventId: 'no-such-event' });
    expect(missing).toMatchObject({ status: 404, body: { code: 'PRJ_NOT_FOUND' } });
    const skipped = await call('POST', `${parkedUrl}/skip`, { eventId: tooNew.eventId });
    expect(skipped).toMatchObject({ status: 200, body: { skipped: [tooNew.eventId] } });
    expect((await call('GET', parkedUrl)).body.parked).toEqual([]);
  });

  it('lists dead letters and redrives the ones the contracts accept', async () => {
    const command = registerCustomer(randomUUID(), 'cus-dead');
    const appender = await new Appender(r.log).connect();
    try {
      await appender.send(r.log.topics.deadLetters, [
        {
          ...encodeEnvelope(commandEnvelope(command)),
          headers: {
            [deadLetterHeaders.reason]: 'a worker could not read it then',
            [deadLetterHeaders.sourceTopic]: r.log.topics.commands,
            [deadLetterHeaders.sourcePartition]: '0',
            [deadLetterHeaders.sourceOffset]: '0',
            [deadLetterHeaders.at]: new Date().toISOString(),
          },
        },
      ]);
    } finally {
      await appender.close();
    }
    const listed = await call('GET', '/admin/dead-letters');
    expect(listed.status).toBe(200);
    const letters = listed.body.deadLetters as Record<string, unknown>[];
    expect(letters).toEqual([
      expect.objectContaining({
        commandId: command.id,
        reason: 'a worker could not read it then',
        now: { status: 'accepted' },
      }),
    ]);
    expect(Object.keys(letters[0] ?? {})).not.toContain('value');
    const redriven = await call('POST', '/admin/dead-letters/redrive', { offsets: [letters[0]?.offset] });
    expect(redriven.status).toBe(200);
    expect((redriven.body.redriven as { commandId: string }[]).map((d) => d.commandId)).toEqual([command.id]);
  });

  it('refreshes staging in the background, one refresh at a time', async () => {
    await buildFirst();
    const stream = await openEventStream(`${base}/admin/events`, auth);
    await stream.waitFor('hello');
    const started = await call('POST', '/admin/staging/refresh');
    expect(started).toMatchObject({ status: 202, body: { status: 'running' } });
    const again = await call('POST', '/admin/staging/refresh');
    expect(again).toMatchObject({ status: 409, body: { code: 'PRJ_ALREADY_RUNNING' } });
    const done = await eventually(
      async () => {
        const { body } = await call('GET', '/admin/staging/refresh');
        return body.status === 'running' ? undefined : body;
      },
      60_000,
      'the staging refresh',
    );
    expect(done).toMatchObject({ status: 'done' });
    // and the live feed told of its end
    const ended = await stream.waitFor<{ status: string }>('staging:done');
    await stream.close();
    expect(ended.data.status).toBe('done');
    const projections = (done.result as { projections: { name: string; version: number }[] }).projections;
    expect(projections).toContainEqual(expect.objectContaining({ name, version: 1 }));
    // the anonymized events went to the staging deployment's topic (PROJECTIONIST_STAGING_TOPIC_PREFIX)
    const result = done.result as { topic?: { topic: string; written: number }; summary: { passed: number } };
    expect(result.topic?.topic).toBe(`${r.config.staging.topicPrefix ?? ''}.events`);
    expect(result.summary.passed).toBeGreaterThan(2_000);
    expect(result.topic?.written).toBe(result.summary.passed);
  });
});
