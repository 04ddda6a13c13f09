// One Projectionist rebuild in a process of its own: replays the events topic of <prefix> up to
// <target> ("end": the high watermarks; or an offset vector as JSON) into a fresh database with
// replayProjection, as bench/lib/rebuildRun.ts does, then checksums the tables; prints PeerFigures.
// node bench/lib/peers/projectionistRun.ts <prefix> <projection> <target>
import { contractRegistry } from '../../../events/index.ts';
import { highWatermarks, LogClient, offsetDistance, offsetVectorFromJson } from '../../../src/log/index.ts';
import { createLogger } from '../../../src/logger/index.ts';
import { migrateRegistry } from '../../../src/registry/index.ts';
import {
  contractsDecoder,
  createEmitter,
  replayProjection,
  type ProjectorEvents,
} from '../../../src/projections/index.ts';
import { hrtimeUs, peakRssMiB, report } from './PeerFigures.ts';
import { peerDatabase } from './peerDatabase.ts';
import { peerProjection } from './peerProjections.ts';
import { startPostgresCpu } from './postgresCpu.ts';
import { tableChecksums } from './tableChecksums.ts';

const [prefix, name, targetArg = 'end'] = process.argv.slice(2);
if (prefix === undefined) throw new Error('usage: projectionistRun.ts <prefix> <projection> <target>');
const { definition } = peerProjection(name);
const client = new LogClient({
  brokers: (process.env.PROJECTIONIST_KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  clientId: 'projectionist-bench',
  prefix,
  logger: createLogger({ level: 'warn' }),
});
const database = await peerDatabase();
const pool = database.pool(4);
try {
  const until =
    targetArg === 'end'
      ? await highWatermarks({ client, topic: client.topics.events })
      : offsetVectorFromJson(JSON.parse(targetArg) as Record<string, string>);
  const events = Number(offsetDistance(new Map(), until));
  // Once at start-up, as serve does: not part of the rebuild.
  await migrateRegistry({ pool });
  const emitter = createEmitter<ProjectorEvents>();
  const postgres = await startPostgresCpu(database.name);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const startUs = hrtimeUs();
  let done = 0;
  let flushMs = 0;
  let skipped = 0;
  // The replay ends with the flush of its last event: what follows (secondary indexes, when the
  // engine builds them) is not replay, and the other systems build none.
  let end: { at: number; us: number; cpu: NodeJS.CpuUsage; postgresCpuMs: Promise<number> } | undefined;
  const ended = () => ({
    at: performance.now(),
    us: hrtimeUs(),
    cpu: process.cpuUsage(cpu),
    postgresCpuMs: postgres.stop(),
  });
  emitter.on('projector:batch', (b) => {
    flushMs += b.flushMs;
    done += b.applied + b.ignored + b.skipped;
    if (done >= events && end === undefined) end = ended();
  });
  emitter.on('projector:skipped', () => skipped++);
  const result = await replayProjection({
    pool,
    client,
    definition,
    decode: contractsDecoder(contractRegistry),
    until,
    emitter,
  });
  end ??= ended();
  const tookMs = end.at - started;
  const used = end.cpu;
  const postgresCpuMs = await end.postgresCpuMs;
  if (result.status !== 'reached') throw new Error(`the replay ended ${result.status}`);
  if (skipped > 0) throw new Error(`the replay skipped ${skipped} events`);
  report({
    system: 'projectionist',
    projection: definition.name,
    events,
    targetEvents: events,
    tookMs,
    perSecond: events / (tookMs / 1000),
    cpuMs: (used.user + used.system) / 1000,
    postgresCpuMs,
    peakRssMiB: peakRssMiB(),
    checksums: await tableChecksums(pool, definition),
    partsMs: { flush: flushMs },
    window: { startUs, endUs: end.us },
  });
} finally {
  await pool.end();
  await database.drop();
  await client.close();
}
