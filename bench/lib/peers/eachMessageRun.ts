// What a team writes without a framework, in a process of its own: a kafkajs consumer (a fresh
// group, from the beginning, default options) whose eachMessage parses the record, decodes it
// with the contracts and runs one upsert statement per event with pg (autocommit, one
// connection), up to <target> (an offset vector as JSON) or until <limitS> seconds have passed
// since the first message. Then checksums the tables and prints PeerFigures.
// node bench/lib/peers/eachMessageRun.ts <topic> <projection> <target> <limitS>
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { contractRegistry } from '../../../events/index.ts';
import { offsetDistance, offsetVectorFromJson, type Envelope } from '../../../src/log/index.ts';
import { createTables } from '../../../src/projections/index.ts';
import { peakRssMiB, report } from './PeerFigures.ts';
import { peerDatabase } from './peerDatabase.ts';
import { peerProjection } from './peerProjections.ts';
import { startPostgresCpu } from './postgresCpu.ts';
import { tableChecksums } from './tableChecksums.ts';

const [topic, name, targetArg, limitArg] = process.argv.slice(2);
if (topic === undefined || targetArg === undefined || limitArg === undefined)
  throw new Error('usage: eachMessageRun.ts <topic> <projection> <target> <limitS>');
const peer = peerProjection(name);
const target = offsetVectorFromJson(JSON.parse(targetArg) as Record<string, string>);
const targetEvents = Number(offsetDistance(new Map(), target));
const limitMs = Number(limitArg) * 1000;

const database = await peerDatabase();
const pool = database.pool(1);
const db = await pool.connect();
const kafka = new Kafka({
  clientId: 'peers-each-message',
  brokers: (process.env.PROJECTIONIST_KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  logLevel: logLevel.NOTHING,
});
const consumer = kafka.consumer({ groupId: `peers-each-message-${randomUUID()}` });
try {
  await createTables({ db, definition: peer.definition });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const open = new Set([...target].filter(([, end]) => end > 0n).map(([p]) => p));
  const finished = Promise.withResolvers<void>();
  let stopped = false;
  let seen = 0;
  let started = 0;
  let cpu: NodeJS.CpuUsage | undefined;
  const stop = () => {
    stopped = true;
    finished.resolve();
  };
  if (open.size === 0) stop();
  const postgres = await startPostgresCpu(database.name);
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const end = target.get(partition) ?? 0n;
      const offset = BigInt(message.offset);
      if (stopped || offset >= end) return;
      if (cpu === undefined) {
        cpu = process.cpuUsage();
        started = performance.now();
        setTimeout(stop, limitMs).unref();
      }
      const e = JSON.parse((message.value ?? Buffer.alloc(0)).toString('utf8')) as Envelope;
      if (peer.types.has(e.type)) {
        const decoded = contractRegistry.decode('event', e.type, e.version, e.data);
        if (decoded.status !== 'ok')
          throw new Error(`${e.type} v${e.version} does not decode: ${decoded.status}`);
        const statement = peer.statement({
          type: e.type,
          streamId: e.streamId,
          time: e.time,
          data: decoded.value,
        });
        if (statement !== undefined) await db.query(statement.text, [...statement.values]);
      }
      seen++;
      if (offset === end - 1n) {
        open.delete(partition);
        if (open.size === 0) stop();
      }
    },
  });
  await finished.promise;
  const tookMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const events = seen;
  const postgresCpuMs = await postgres.stop();
  await consumer.disconnect();
  report({
    system: 'eachMessage',
    projection: peer.definition.name,
    events,
    targetEvents,
    tookMs,
    perSecond: events / (tookMs / 1000),
    cpuMs: (used.user + used.system) / 1000,
    postgresCpuMs,
    peakRssMiB: peakRssMiB(),
    checksums: events === targetEvents ? await tableChecksums(db, peer.definition) : [],
  });
} finally {
  await consumer.disconnect().catch(() => undefined);
  db.release();
  await pool.end();
  await database.drop();
}
