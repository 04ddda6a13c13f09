import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/api/index.ts';
import { decodeEnvelope, partitionFor, readLog } from '../../src/log/index.ts';
import { type Running } from '../../src/main.ts';
import { eventually } from '../harness/testEnv.ts';
import { useProjectionists } from '../harness/useProjectionists.ts';
import { brokenCommand } from './support/brokenCommand.ts';
import { expectProblem, type Answer } from './support/expectProblem.ts';
import { nestedJson, nestedSlot, withNested } from './support/nestedJson.ts';
import { poison, poisonedCommand } from './support/poisonedCommand.ts';
import { registerCustomer } from './support/registerCustomer.ts';
import { validCommand, type CommandBody } from './support/validCommand.ts';

// Large enough for JSON nested tens of thousands deep, small enough that bodies past it are cheap.
const bodyLimit = 64 * 1024;
const routes = ['/commands', '/commands/batch'] as const;

const projectionists = useProjectionists();

/** A Projectionist with the HTTP app and no workers: intake only; `limit` 'default' keeps the configured default. */
const start = async (limit: number | 'default' = bodyLimit): Promise<Running & { app: App }> => {
  const extra: Record<string, string> =
    limit === 'default' ? {} : { PROJECTIONIST_HTTP_BODY_LIMIT: String(limit) };
  const r = await projectionists.start({
    env: projectionists.env(undefined, extra),
    http: true,
    workers: false,
  });
  if (r.app === undefined) throw new Error('startProjectionist built no app');
  return { ...r, app: r.app };
};

const post = (app: App, url: string, body: string | Buffer, contentType?: string): Promise<Answer> =>
  app.inject({
    method: 'POST',
    url,
    headers: contentType === undefined ? {} : { 'content-type': contentType },
    payload: typeof body === 'string' ? Buffer.from(body) : body,
  });

const postJson = (app: App, url: string, text: string) => post(app, url, text, 'application/json');

const overLimit = (body: string | Buffer) =>
  (typeof body === 'string' ? Buffer.byteLength(body) : body.length) > bodyLimit;

/** After whatever came before: the process answers, and a valid command is still accepted. */
const expectStillServing = async (app: App) => {
  expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  const id = randomUUID();
  const res = await app.inject({
    method: 'POST',
    url: '/commands',
    payload: registerCustomer(id, `cus-${id}`),
  });
  expect(res.statusCode).toBe(202);
  expect(res.json()).toEqual({ commandId: id, status: 'accepted' });
};

describe('command intake, given bodies that are not valid commands', () => {
  it('answers any JSON value that is not a command with a 400 problem listing the issues', async () => {
    const { app } = await start();
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue(),
        fc.constantFrom(...routes),
        fc.constantFrom('bare', 'as the commands', 'in the commands'),
        async (value, url, wrap) => {
          const body =
            url === '/commands' || wrap === 'bare'
              ? value
              : wrap === 'as the commands'
                ? { commands: value }
                : { commands: [value] };
          const text = JSON.stringify(body);
          const res = await postJson(app, url, text);
          if (overLimit(text)) expectProblem(res, { status: 413, code: 'PRJ_PAYLOAD_TOO_LARGE' });
          // a __proto__ key is refused by the JSON parser itself, before any schema is asked
          else if (text.includes('"__proto__"')) expectProblem(res, { status: 400, code: 'PRJ_VALIDATION' });
          else expectProblem(res, { status: 400, code: 'PRJ_VALIDATION', issues: true });
        },
      ),
      { numRuns: 700 },
    );
    await expectStillServing(app);
  });

  it('answers a command with one field broken with a 400 that names the broken field, and accepts none of its batch', async () => {
    const { app } = await start();
    await fc.assert(
      fc.asyncProperty(
        brokenCommand({ maxString: 3 * bodyLimit, maxDepth: 20_000 }),
        fc.option(fc.tuple(fc.array(validCommand(), { maxLength: 3 }), fc.nat()), { nil: undefined }),
        async (command, batch) => {
          const others = (batch?.[0] ?? []).map((c) => ({ ...c.body, id: randomUUID() }));
          const index = batch === undefined ? 0 : batch[1] % (others.length + 1);
          const parts = others.map((c) => JSON.stringify(c));
          parts.splice(index, 0, command.text);
          const text = batch === undefined ? command.text : `{"commands":[${parts.join(',')}]}`;
          const res = await postJson(app, batch === undefined ? '/commands' : '/commands/batch', text);
          if (overLimit(text)) {
            expectProblem(res, { status: 413, code: 'PRJ_PAYLOAD_TOO_LARGE' });
          } else {
            const problem = expectProblem(res, { status: 400, code: 'PRJ_VALIDATION', issues: true });
            const at = batch === undefined ? '' : `commands.${index}`;
            const path = [at, command.path].filter((p) => p !== '').join('.');
            expect(
              problem.issues?.map((i) => i.path),
              command.how,
            ).toContain(path);
          }
          for (const other of others) {
            const found = await app.inject({ method: 'GET', url: `/commands/${other.id}` });
            expect(found.statusCode, `${other.id} of a refused batch`).toBe(404);
          }
        },
      ),
      { numRuns: 1_200 },
    );
    await expectStillServing(app);
  });

  it('answers bytes that are not JSON, sent as application/json, with a 400 problem', async () => {
    const { app } = await start();
    const notJson = fc
      .oneof(
        fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
        fc.string({ unit: 'binary', maxLength: 300 }).map((s) => Buffer.from(s)),
        fc.tuple(validCommand(), fc.nat()).map(([c, n]) => {
          const text = JSON.stringify(c.body);
          return Buffer.from(text.slice(0, n % text.length));
        }),
        fc
          .tuple(validCommand(), fc.constantFrom('}', ',', 'x', ']', '\u0000', '{}', ' null'))
          .map(([c, tail]) => Buffer.from(JSON.stringify(c.body) + tail)),
        fc
          .constantFrom(
            "{'id': 'x'}",
            '{id: "x"}',
            'NaN',
            'undefined',
            '{"a": 1,}',
            '[1,]',
            '// note\n{}',
            '{"a": 01}',
            '{"a": .5}',
            '{"a": Infinity}',
            '"unterminated',
            '{"a": "\\x41"}',
            '<command id="x"/>',
          )
          .map((s) => Buffer.from(s)),
      )
      .filter((bytes) => {
        try {
          JSON.parse(bytes.toString('utf8'));
          return false;
        } catch {
          return true;
        }
      });
    await fc.assert(
      fc.asyncProperty(notJson, fc.constantFrom(...routes), async (bytes, url) => {
        expectProblem(await post(app, url, bytes, 'application/json'), {
          status: 400,
          code: 'PRJ_VALIDATION',
        });
      }),
      { numRuns: 400 },
    );
    await expectStillServing(app);
  });

  it('answers a body of another media type with 415, or a 400 problem for text it reads as a string', async () => {
    const { app } = await start();
    const mediaType = fc.oneof(
      fc.constantFrom(
        undefined,
        'text/plain',
        'text/plain; charset=utf-8',
        'application/xml',
        'text/xml',
        'text/html',
        'multipart/form-data; boundary=pj',
        'application/x-www-form-urlencoded',
        'application/octet-stream',
        'application/problem+json',
        'application/json-seq',
        'application/json, text/plain',
        'image/png',
      ),
      fc
        .stringMatching(/^[a-z]{1,12}\/[a-z0-9.+-]{1,20}$/)
        .filter((t) => !t.startsWith('application/json') && !t.startsWith('text/plain')),
    );
    const body = fc.oneof(
      validCommand().map((c) => JSON.stringify(c.body)),
      validCommand().map((c) => `<?xml version="1.0"?><command id="${c.body.id}" type="${c.body.type}"/>`),
      validCommand().map(
        (c) =>
          `--pj\r\nContent-Disposition: form-data; name="command"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(c.body)}\r\n--pj--\r\n`,
      ),
      validCommand().map((c) => `id=${encodeURIComponent(c.body.id)}&type=${c.body.type}&version=1`),
      fc.string({ minLength: 1, maxLength: 200 }),
    );
    await fc.assert(
      fc.asyncProperty(mediaType, body, fc.constantFrom(...routes), async (type, text, url) => {
        const res = await post(app, url, text, type);
        if (type?.startsWith('text/plain') === true && res.statusCode !== 415)
          expectProblem(res, { status: 400, code: 'PRJ_VALIDATION', issues: true });
        else expectProblem(res, { status: 415, code: 'PRJ_UNSUPPORTED_MEDIA_TYPE' });
      }),
      { numRuns: 300 },
    );
    await expectStillServing(app);
  });

  it('answers a body over the size limit with 413 whatever it holds, or 415 first when it is not JSON', async () => {
    const { app } = await start();
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          url: fc.constantFrom(...routes),
          excess: fc.integer({ min: 1, max: 2 * bodyLimit }),
          kind: fc.constantFrom('command', 'bytes', 'text', 'nested'),
          fill: fc.constantFrom('a', 'é', '😀'),
          command: validCommand(),
        }),
        async ({ url, excess, kind, fill, command }) => {
          const size = bodyLimit + excess;
          let body: Buffer;
          if (kind === 'command') {
            const padded = { ...command.body, metadata: { padding: nestedSlot } };
            const wrapped = url === '/commands' ? padded : { commands: [padded] };
            const room = size - Buffer.byteLength(withNested(wrapped, '""'));
            body = Buffer.from(
              withNested(wrapped, JSON.stringify(fill.repeat(Math.ceil(room / Buffer.byteLength(fill))))),
            );
          } else if (kind === 'nested') {
            body = Buffer.from(nestedJson(Math.ceil(size / 2), 'array'));
          } else {
            body = Buffer.from(fill.repeat(Math.ceil(size / Buffer.byteLength(fill))));
          }
          expect(overLimit(body)).toBe(true);
          const res = await post(app, url, body, kind === 'text' ? 'text/plain' : 'application/json');
          // Only JSON is parsed: a text body is refused for its type before its size is read.
          if (kind === 'text') expectProblem(res, { status: 415, code: 'PRJ_UNSUPPORTED_MEDIA_TYPE' });
          else expectProblem(res, { status: 413, code: 'PRJ_PAYLOAD_TOO_LARGE' });
        },
      ),
      { numRuns: 250 },
    );
    await expectStillServing(app);
  });

  it('never answers 5xx to a valid command that nests deeply where free-form values are allowed', async () => {
    const { app } = await start();
    await fc.assert(
      fc.asyncProperty(
        validCommand(),
        fc.integer({ min: 1, max: 20_000 }),
        fc.constantFrom('array' as const, 'object' as const),
        fc.constantFrom('metadata', 'payload'),
        async (command, depth, kind, where) => {
          const body = { ...command.body, id: randomUUID() };
          const text =
            where === 'metadata'
              ? withNested({ ...body, metadata: { nested: nestedSlot } }, nestedJson(depth, kind))
              : withNested(
                  { ...body, payload: { ...body.payload, nested: nestedSlot } },
                  nestedJson(depth, kind),
                );
          const res = await postJson(app, '/commands', text);
          if (res.statusCode === 202)
            expect(JSON.parse(res.body)).toEqual({ commandId: body.id, status: 'accepted' });
          else expectProblem(res, overLimit(text) ? { status: 413 } : {});
        },
      ),
      { numRuns: 150 },
    );
    await expectStillServing(app);
  });
});

describe('command intake, given bodies within the limit that the log cannot take', () => {
  it('answers a command within the body limit but too large for one Kafka record with a 4xx, not a 5xx', async () => {
    const { app } = await start('default');
    const limit = 1024 * 1024; // the default PROJECTIONIST_HTTP_BODY_LIMIT
    const command = { ...registerCustomer(randomUUID(), 'cus-large'), metadata: { note: nestedSlot } };
    const room = limit - Buffer.byteLength(withNested(command, '""'));
    const text = withNested(command, JSON.stringify('x'.repeat(room)));
    expect(Buffer.byteLength(text)).toBe(limit);
    expectProblem(await postJson(app, '/commands', text));
    await expectStillServing(app);
  });

  it('puts none of a refused batch on the commands topic', async () => {
    const r = await start(2 * 1024 * 1024);
    const partitions = 3; // testEnv's PROJECTIONIST_COMMANDS_PARTITIONS
    const small = registerCustomer(randomUUID(), 'cus-small');
    let bigStream = 'cus-big';
    for (let i = 0; partitionFor(bigStream, partitions) === partitionFor(small.streamId, partitions); i++)
      bigStream = `cus-big-${i}`;
    const big = { ...registerCustomer(randomUUID(), bigStream), metadata: { note: 'x'.repeat(1_200_000) } };
    const res = await r.app.inject({
      method: 'POST',
      url: '/commands/batch',
      payload: { commands: [small, big] },
    });
    expect.soft(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
    const onLog = await eventually(async () => {
      const ids: string[] = [];
      for await (const batch of readLog({ client: r.log, topic: r.log.topics.commands, until: 'latest' }))
        ids.push(...batch.records.map((record) => decodeEnvelope(record.value).eventId));
      return ids;
    });
    if (res.statusCode === 202) expect(onLog.sort()).toEqual([small.id, big.id].sort());
    else expect(onLog).toEqual([]);
  });
});

/** The ids on the commands topic, in log order per partition. */
const commandsOnLog = (r: Running) =>
  eventually(async () => {
    const ids: string[] = [];
    for await (const batch of readLog({ client: r.log, topic: r.log.topics.commands, until: 'latest' }))
      ids.push(...batch.records.map((record) => decodeEnvelope(record.value).eventId));
    return ids;
  });

describe('command intake, given text PostgreSQL cannot store', () => {
  it('refuses a NUL or an unpaired surrogate anywhere in a command with a 400 naming where and what, accepting none of its batch', async () => {
    const { app } = await start();
    await fc.assert(
      fc.asyncProperty(
        poisonedCommand(),
        fc.option(fc.tuple(fc.array(validCommand(), { maxLength: 3 }), fc.nat()), { nil: undefined }),
        async (command, batch) => {
          const others = (batch?.[0] ?? []).map((c) => ({ ...c.body, id: randomUUID() }));
          const index = batch === undefined ? 0 : batch[1] % (others.length + 1);
          const commands: CommandBody[] = [...others];
          commands.splice(index, 0, command.body);
          const res = await postJson(
            app,
            batch === undefined ? '/commands' : '/commands/batch',
            JSON.stringify(batch === undefined ? command.body : { commands }),
          );
          const problem = expectProblem(res, { status: 400, code: 'PRJ_VALIDATION', issues: true });
          const path = batch === undefined ? command.path : `commands.${index}.${command.path}`;
          expect(
            problem.issues?.find(
              (i) => i.path === path && /NUL character|unpaired UTF-16 surrogate/.test(i.message),
            ),
            `${command.how}: ${JSON.stringify(problem.issues)}`,
          ).toBeDefined();
          for (const other of others) {
            const found = await app.inject({ method: 'GET', url: `/commands/${other.id}` });
            expect(found.statusCode, `${other.id} of a refused batch`).toBe(404);
          }
        },
      ),
      { numRuns: 400 },
    );
    await expectStillServing(app);
  });

  it('refuses the poison NUL in a payload string and in a metadata key, which the old intake let through', async () => {
    const { app } = await start();
    const id = randomUUID();
    const command = registerCustomer(id, `cus-${id}`);
    (command.payload.address as Record<string, unknown>).street = 'Keizers\u0000gracht 1';
    command.metadata = { 'trace\uD800': 'x' };
    const problem = expectProblem(await app.inject({ method: 'POST', url: '/commands', payload: command }), {
      status: 400,
      code: 'PRJ_VALIDATION',
      issues: true,
    });
    expect(problem.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'payload.address.street',
          message: expect.stringContaining('NUL character (U+0000) at index 7'),
        }),
        expect.objectContaining({
          path: 'metadata.trace\\uD800',
          message: expect.stringContaining('the key contains an unpaired UTF-16 surrogate (U+D800)'),
        }),
      ]),
    );
    expect((await app.inject({ method: 'GET', url: `/commands/${id}` })).statusCode).toBe(404);
  });

  it('says how long an id, stream id or correlation id may be', async () => {
    const { app } = await start();
    for (const key of ['id', 'streamId', 'correlationId'] as const) {
      const command = { ...registerCustomer(randomUUID(), 'cus-long'), [key]: 'x'.repeat(201) };
      const problem = expectProblem(
        await app.inject({ method: 'POST', url: '/commands', payload: command }),
        { status: 400, code: 'PRJ_VALIDATION', issues: true },
      );
      expect(problem.issues).toContainEqual(
        expect.objectContaining({ path: key, message: 'must be at most 200 characters long' }),
      );
    }
  });

  it('answers GET /commands/:id with an id PostgreSQL cannot store with a 400 naming the id', async () => {
    const { app } = await start();
    const problem = expectProblem(await app.inject({ method: 'GET', url: '/commands/abc%00def' }), {
      status: 400,
      code: 'PRJ_VALIDATION',
      issues: true,
    });
    expect(problem.issues).toContainEqual(
      expect.objectContaining({ path: 'id', message: expect.stringContaining('NUL character') }),
    );
    // any bytes at all, percent-encoded (invalid UTF-8 included): a 4xx or a 404, never a 5xx
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (bytes) => {
        const url = `/commands/${[...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')}`;
        const res = await app.inject({ method: 'GET', url });
        if (res.statusCode !== 404) expectProblem(res);
        else expectProblem(res, { code: 'PRJ_NOT_FOUND' });
      }),
      { numRuns: 300 },
    );
    await expectStillServing(app);
  });

  it('answers every body of poison, huge strings and wrong kinds with 202 or a 4xx problem, never a 5xx', async () => {
    const { app } = await start();
    const poisonedJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'binary', maxLength: 20 }),
        fc.tuple(fc.string({ maxLength: 5 }), poison, fc.string({ maxLength: 5 })).map((p) => p.join('')),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(
          fc.oneof(fc.string({ maxLength: 5 }), poison).filter((k) => k !== '__proto__'),
          tie('value'),
          { maxKeys: 3 },
        ),
      ),
    })).value;
    const command = fc.oneof(
      validCommand().map((c) => JSON.stringify({ ...c.body, id: randomUUID() })),
      poisonedCommand().map((c) => JSON.stringify(c.body)),
      brokenCommand({ maxString: 2 * bodyLimit, maxDepth: 200 }).map((c) => c.text),
      fc
        .tuple(validCommand(), fc.constantFrom('payload', 'metadata', 'id', 'streamId', 'type'), poisonedJson)
        .map(([c, key, value]) => JSON.stringify({ ...c.body, id: randomUUID(), [key]: value })),
      fc
        .tuple(
          validCommand(),
          fc.integer({ min: 1, max: 2 * bodyLimit }),
          fc.constantFrom('a', '\u0000', '\uD800', '😀'),
        )
        .map(([c, n, fill]) =>
          JSON.stringify({ ...c.body, id: randomUUID(), metadata: { note: fill.repeat(n) } }),
        ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(command, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (texts, single) => {
          const url = single ? '/commands' : '/commands/batch';
          const text = single ? (texts[0] ?? '{}') : `{"commands":[${texts.join(',')}]}`;
          const res = await postJson(app, url, text);
          if (res.statusCode === 202) {
            expect(text, 'poison accepted').not.toMatch(
              /\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i,
            );
            return;
          }
          expectProblem(res, overLimit(text) ? { status: 413 } : {});
        },
      ),
      { numRuns: 500 },
    );
    await expectStillServing(app);
  });
});

describe('command intake, given batches larger than one broker request', () => {
  // A broker takes at most message.max.bytes (1,048,588 by default) in one partition's batch.
  const padded = (streamId: string, bytes: number) => ({
    ...registerCustomer(randomUUID(), streamId),
    metadata: { note: 'x'.repeat(bytes) },
  });

  it('accepts a batch of commands on one stream that fit a record each but not one request together, in order', async () => {
    const r = await start(4 * 1024 * 1024);
    const commands = [padded('cus-wide', 600_000), padded('cus-wide', 600_000), padded('cus-wide', 10)];
    const res = await r.app.inject({ method: 'POST', url: '/commands/batch', payload: { commands } });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(202);
    expect(res.json<{ commands: { commandId: string }[] }>().commands.map((c) => c.commandId)).toEqual(
      commands.map((c) => c.id),
    );
    expect(await commandsOnLog(r)).toEqual(commands.map((c) => c.id));
  });

  it('accepts one command just under the record limit, and refuses one between it and the broker limit with a 413 naming the limit', async () => {
    const r = await start(2 * 1024 * 1024);
    const fits = padded('cus-fits', 999_000);
    expect((await r.app.inject({ method: 'POST', url: '/commands', payload: fits })).statusCode).toBe(202);
    const problem = expectProblem(
      await r.app.inject({ method: 'POST', url: '/commands', payload: padded('cus-over', 1_030_000) }),
      { status: 413, code: 'PRJ_PAYLOAD_TOO_LARGE', issues: true },
    );
    expect(problem.issues?.[0]?.message).toMatch(/at most 1000000 bytes/);
    expect(await commandsOnLog(r)).toEqual([fits.id]);
  });
});
