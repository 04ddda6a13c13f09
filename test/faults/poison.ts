import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { projections } from '../../projections/index.ts';
import { deadLetterHeaders } from '../../src/commands/index.ts';
import { createEnvelope, partitionFor, readLog } from '../../src/log/index.ts';
import { brokenCommand } from '../api/support/brokenCommand.ts';
import { validCommand, type CommandBody } from '../api/support/validCommand.ts';
import { waitDecided } from './support/commandsDecided.ts';
import { recordPayment, registerCustomer } from './support/commandMix.ts';
import { readEventLedger } from './support/eventLedger.ts';
import { faultEnv, scaled } from './support/faultEnv.ts';
import { openCommandScenario } from './support/openCommandScenario.ts';
import { request, type Answer } from './support/httpProbe.ts';
import { kcatProduce } from '../harness/kcatProduce.ts';
import { faultSeed, type Scenario } from './support/scenarioResult.ts';
import { startServe } from './support/serveInstance.ts';
import { waitCaughtUp } from './support/versionProgress.ts';

const commandsPartitions = 3;
const tenMegabytes = 'x'.repeat(10 * 1024 * 1024);

/** A command body as an envelope on the commands topic (whatever its fields hold). */
const asEnvelope = (body: Record<string, unknown>) =>
  JSON.stringify({
    eventId: body.id,
    type: body.type,
    version: body.version,
    streamId: body.streamId,
    time: new Date().toISOString(),
    causationId: null,
    correlationId: null,
    data: body.payload,
    ...(body.metadata === undefined ? {} : { metadata: body.metadata }),
  });

/** Text PostgreSQL cannot store, put into the first string of the payload (or the stream id). */
const poisoned = fc
  .tuple(validCommand(), fc.constantFrom('\u0000', '\ud800', '\udfff', 'a\u0000b'), fc.boolean())
  .map(([{ body }, bad, inStream]) => {
    const out = structuredClone(body);
    const key = Object.keys(out.payload).find((k) => typeof out.payload[k] === 'string');
    if (inStream || key === undefined) out.streamId = `${out.streamId}${bad}`;
    else out.payload[key] = `${String(out.payload[key])}${bad}`;
    return { kind: 'poisoned' as const, text: JSON.stringify(out), id: out.id };
  });

/** Generated commands: valid ones, ones with one thing broken, ones carrying unstorable text. */
const generated = fc.oneof(
  {
    weight: 4,
    arbitrary: validCommand().map(({ body }) => ({
      kind: 'valid' as const,
      text: JSON.stringify({ ...body, id: randomUUID() }),
      id: '',
    })),
  },
  {
    weight: 4,
    arbitrary: brokenCommand({ maxString: 3_000, maxDepth: 80 }).map((b) => ({
      kind: 'broken' as const,
      text: b.text,
      id: '',
    })),
  },
  { weight: 2, arbitrary: poisoned },
);

/**
 * Scenario 4: poison on both doors. Over HTTP: NUL, lone surrogates, 10 MB strings, unknown
 * types, version 99, not-JSON bodies, then 10,000 generated commands (fast-check: valid, broken
 * one way, unstorable text). Onto the commands topic with kcat: the same, plus lying headers,
 * no keys and wrong keys; a few poison events straight onto the events topic. No answer may be
 * a 5xx and every refusal must say why; afterwards a marker command on every commands partition
 * must be applied and every projection version reach the head of the log, and every dead letter,
 * held command and parked event must carry its reason.
 */
export const poison: Scenario = {
  name: 'poison',
  title: 'poison over HTTP and onto the topics, and 10,000 generated commands',
  run: async () => {
    const count = scaled(10_000, 500);
    const { db, prefix, pool, log, store, close } = await openCommandScenario('poison');
    const serve = await startServe({
      label: 'poison-serve',
      port: 28_400,
      env: {
        PROJECTIONIST_KAFKA_BROKERS: faultEnv.brokers.join(','),
        PROJECTIONIST_TOPIC_PREFIX: prefix,
        PROJECTIONIST_DATABASE_URL: db.url,
        PROJECTIONIST_EVENTS_PARTITIONS: '3',
        PROJECTIONIST_COMMANDS_PARTITIONS: String(commandsPartitions),
      },
    });
    const details: string[] = [];
    const answers: { what: string; answer: Answer }[] = [];
    try {
      const url = serve.baseUrl;
      const post = async (
        what: string,
        body: string | Buffer,
        contentType = 'application/json',
        path = '/commands',
      ) => answers.push({ what, answer: await request(`${url}${path}`, { body, contentType }) });
      const cmd = registerCustomer(randomUUID(), `cus-poison-${randomUUID().slice(0, 6)}`);
      const withPayload = (patch: Record<string, unknown>): CommandBody => ({
        ...cmd,
        id: randomUUID(),
        payload: { ...cmd.payload, ...patch },
      });

      // the hand-made poison, over HTTP
      await post('NUL in a payload string', JSON.stringify(withPayload({ firstName: 'A\u0000da' })));
      await post(
        'lone surrogate in a payload string',
        JSON.stringify(withPayload({ firstName: 'A\ud800da' })),
      );
      await post('NUL in a payload key', JSON.stringify(withPayload({ 'x\u0000': 1 })));
      await post(
        'NUL in the stream id',
        JSON.stringify({ ...cmd, id: randomUUID(), streamId: 'cus-\u0000' }),
      );
      await post('10 MB string', JSON.stringify(withPayload({ firstName: tenMegabytes })));
      await post(
        '10 MB string in a batch',
        JSON.stringify({ commands: [withPayload({ lastName: tenMegabytes })] }),
        'application/json',
        '/commands/batch',
      );
      await post('unknown type', JSON.stringify({ ...cmd, id: randomUUID(), type: 'LaunchRocket' }));
      await post('version 99', JSON.stringify({ ...cmd, id: randomUUID(), version: 99 }));
      await post('not JSON (said to be JSON)', 'this is {not json', 'application/json');
      await post('not JSON (text/plain)', 'this is not json', 'text/plain');
      await post('a JSON array', '[1,2,3]');
      answers.push({ what: 'GET /commands/ with a NUL', answer: await request(`${url}/commands/a%00b`) });
      answers.push({
        what: 'GET /commands/ with a lone surrogate',
        answer: await request(`${url}/commands/a%ED%A0%80b`),
      });

      // 10,000 generated commands, 8 at a time
      const cases = fc.sample(generated, { numRuns: count, seed: faultSeed });
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let i = next++; i < cases.length; i = next++) {
            const c = cases[i];
            if (c !== undefined) await post(`generated ${c.kind}`, c.text);
          }
        }),
      );
      const httpAccepted = answers.filter((a) => a.answer.status === 202).length;

      // the same onto the commands topic, with kcat
      const topic = log.topics.commands;
      const heldStream = `cus-held-${randomUUID().slice(0, 6)}`;
      const topicIds: string[] = [];
      const envelope = (body: CommandBody) => {
        topicIds.push(body.id);
        return asEnvelope(body);
      };
      const handMade = [
        envelope(withPayload({ firstName: 'A\u0000da' })),
        envelope(withPayload({ firstName: 'A\ud800da' })),
        envelope({ ...cmd, id: randomUUID(), type: 'LaunchRocket' }),
        envelope({ ...cmd, id: randomUUID(), streamId: heldStream, version: 99 }),
        envelope({ ...registerCustomer(randomUUID(), heldStream) }), // queues behind the v99 one
        envelope(withPayload({ firstName: 'y'.repeat(900_000) })),
        'this is {not json',
        '[1,2,3]',
        '{"eventId":42}',
      ];
      const results = [
        await kcatProduce({
          brokers: faultEnv.brokers,
          topic,
          records: handMade.map((value) => ({ value })),
        }),
        // a body containing a raw NUL byte (not JSON at all)
        await kcatProduce({
          brokers: faultEnv.brokers,
          topic,
          records: [{ value: Buffer.from([0x7b, 0x00, 0x7d]) }],
        }),
        // lying headers: they say RegisterCustomer v1, the body is a RecordPayment v2
        await kcatProduce({
          brokers: faultEnv.brokers,
          topic,
          headers: { 'pj-type': 'RegisterCustomer', 'pj-version': '1' },
          records: [
            {
              key: 'cus-somebody-else',
              value: envelope(recordPayment(`pay-lying-${randomUUID().slice(0, 6)}`, 1_234)),
            },
          ],
        }),
      ];
      const tooBig = await kcatProduce({
        brokers: faultEnv.brokers,
        topic,
        records: [{ value: envelope(withPayload({ firstName: tenMegabytes })) }],
      });
      topicIds.pop(); // the broker refused it: it never reached the log
      const generatedOnTopic = cases.map((c) => {
        try {
          const body = JSON.parse(c.text) as Record<string, unknown>;
          if (typeof body.id === 'string') topicIds.push(body.id);
          return asEnvelope(body);
        } catch {
          return c.text;
        }
      });
      results.push(
        await kcatProduce({
          brokers: faultEnv.brokers,
          topic,
          records: generatedOnTopic.map((value, i) => ({
            key: i % 3 === 0 ? '' : `wrong-${i}`,
            value: value.replaceAll('\n', ' '),
          })),
        }),
      );
      // poison events straight onto the events topic: too new, unknown, not JSON, NUL in data
      const events = log.topics.events;
      const eventPoison = [
        { type: 'CustomerRegistered', version: 99, streamId: 'cus-future', data: {} },
        { type: 'SomethingElse', version: 1, streamId: 'x-1', data: {} },
        {
          type: 'CustomerEmailChanged',
          version: 1,
          streamId: 'cus-nul',
          data: { email: 'a\u0000@example.com' },
        },
      ]
        .map((fields) => JSON.stringify(createEnvelope(fields)))
        .concat('not json at all');
      results.push(
        await kcatProduce({
          brokers: faultEnv.brokers,
          topic: events,
          records: eventPoison.map((value) => ({ value })),
        }),
      );
      const kcatFailures = results.filter((r) => r.code !== 0);

      // markers: one command per commands partition must be applied after all of it. Two rounds:
      // a record that landed on a partition that does not own its stream is forwarded to its owner
      // when its own partition reaches it, which may be after the owner decided a first marker;
      // once every first-round marker is decided every forward is on its owner's partition, so a
      // second-round marker is decided only after every forwarded command.
      const markerRound = (round: number) =>
        Array.from({ length: commandsPartitions }, (_, p) => {
          let n = 0;
          while (partitionFor(`cus-marker-${round}-${p}-${n}`, commandsPartitions) !== p) n++;
          return registerCustomer(randomUUID(), `cus-marker-${round}-${p}-${n}`);
        });
      const markers = [...markerRound(1), ...markerRound(2)];
      const markersOpen: string[] = [];
      for (const round of [markers.slice(0, commandsPartitions), markers.slice(commandsPartitions)]) {
        for (const m of round) await post('marker', JSON.stringify(m));
        markersOpen.push(
          ...(await waitDecided(
            pool,
            store.tables.outcomes,
            round.map((m) => m.id),
            180_000,
          )),
        );
      }
      const behind = await waitCaughtUp(pool, log, [...projections, store.definition], 180_000);

      // every outcome, dead letter, held command and parked event says why
      const ledger = await readEventLedger(log);
      const outcomes = [...ledger.outcomes.values()].flat();
      const deadLetters: { reason: string; eventId: string | undefined }[] = [];
      for await (const batch of readLog({ client: log, topic: log.topics.deadLetters, until: 'latest' }))
        for (const r of batch.records) {
          let eventId: string | undefined;
          try {
            const id = (JSON.parse(r.value?.toString('utf8') ?? '') as { eventId?: unknown }).eventId;
            eventId = typeof id === 'string' ? id : undefined;
          } catch {
            eventId = undefined;
          }
          deadLetters.push({ reason: r.headers[deadLetterHeaders.reason] ?? '', eventId });
        }
      const waiting = await pool.query<{ reason: string }>(`select reason from ${store.tables.waiting}`);
      const parked = await pool.query<{ reason: string; kind: string }>(
        `select reason, kind from projectionist.parked`,
      );
      const heldAnswer = await request(`${url}/commands/${encodeURIComponent(topicIds[3] ?? '')}`);
      const held = JSON.parse(heldAnswer.body) as { status?: string; reason?: string };
      // every topic command with a readable id has an outcome or a dead letter
      const accounted = new Set([
        ...ledger.outcomes.keys(),
        ...deadLetters.flatMap((d) => (d.eventId === undefined ? [] : [d.eventId])),
      ]);
      const unaccounted = [...new Set(topicIds)].filter((id) => !accounted.has(id));

      const fiveXx = answers.filter((a) => a.answer.status >= 500 || a.answer.status === 0);
      const unexplained = [
        ...answers
          .filter((a) => a.answer.status >= 400 && a.answer.reason === undefined)
          .map((a) => `${a.what}: ${a.answer.status} without a reason`),
        ...outcomes
          .filter((o) => o.status !== 'applied' && o.reason === '')
          .map((o) => `outcome ${o.status} of ${o.commandId} without a reason`),
        ...deadLetters.filter((d) => d.reason === '').map(() => 'a dead letter without pj-dead-reason'),
        ...waiting.rows.filter((w) => w.reason === '').map(() => 'a held command without a reason'),
        ...parked.rows.filter((p) => p.reason === '').map(() => 'a parked event without a reason'),
        ...(held.status === 'waiting' && (held.reason ?? '') !== ''
          ? []
          : [`GET /commands/:id of the v99 command: ${heldAnswer.body}`]),
      ];
      const byStatus = new Map<number, number>();
      for (const a of answers) byStatus.set(a.answer.status, (byStatus.get(a.answer.status) ?? 0) + 1);
      const handAnswers = answers.slice(0, 13);
      details.push(
        ...handAnswers.map((a) =>
          `HTTP ${a.what}: ${a.answer.status} ${a.answer.reason ?? ''}`.slice(0, 220),
        ),
        `HTTP answers by status: ${[...byStatus]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}: ${n}`)
          .join(', ')} (${httpAccepted} accepted)`,
        `topic: ${handMade.length + 2} hand-made records, ${generatedOnTopic.length} generated, 4 poison events on the events topic; a 10 MB record refused by the broker (kcat: ${tooBig.stderr.split('\n')[0]?.slice(0, 120) ?? ''})`,
        `${outcomes.length} outcomes (${outcomes.filter((o) => o.status === 'dead-lettered').length} dead-lettered, ${outcomes.filter((o) => o.status === 'waiting').length} waiting), ${deadLetters.length} dead letters, ${waiting.rows.length} held commands, ${parked.rows.length} parked events (${parked.rows.map((p) => p.kind).join(', ')}); held v99 command: ${held.status ?? '?'} (${held.reason ?? ''})`,
        `markers applied on ${markers.length - markersOpen.length} of ${markers.length} (two rounds over ${commandsPartitions} commands partitions); ${projections.length + 1 - behind.length} of ${projections.length + 1} versions at the head`,
        `${unaccounted.length} topic commands with neither an outcome nor a dead letter; ${unexplained.length} refusals without a reason`,
        ...unexplained.slice(0, 5),
        ...unaccounted.slice(0, 3).map((id) => `unaccounted: ${id}`),
        ...kcatFailures.map((r) => `kcat failed: ${r.stderr.slice(0, 200)}`),
        ...fiveXx
          .slice(0, 5)
          .map(
            (a) =>
              `${a.answer.status === 0 ? 'no answer (counted as 5xx)' : '5xx'}: ${a.what}: ${a.answer.status} ${a.answer.body}`,
          ),
        ...behind.map((b) => `wedged: ${b.name} v${b.version} ${b.lag} records behind`),
      );
      return {
        rounds: 1,
        faults: {
          'poison requests over HTTP': answers.length - markers.length,
          'poison records with kcat': handMade.length + 3 + generatedOnTopic.length + eventPoison.length,
        },
        lost: unaccounted.length + kcatFailures.length,
        doubled: 0,
        wedged: markersOpen.length + behind.length + unexplained.length,
        fiveXx: fiveXx.length,
        details,
      };
    } finally {
      await serve.kill('SIGKILL');
      await close();
    }
  },
};
