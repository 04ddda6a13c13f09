// The no-broker ceiling in a process of its own: the first <count> events of the log of <prefix>,
// regenerated as the JSON strings the log holds (with their type and schema fingerprint, as the
// pj-type and pj-schema headers carry them), then timed: JSON.parse of the events the projection
// reads, the contracts' decode as a replay does it (upcast; validate unless the fingerprint is the
// newest schema's), a plain JS fold into maps, and one COPY per table in one transaction. Prints
// PeerFigures.
// node bench/lib/peers/ceilingRun.ts <prefix> <projection> <count>
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { contractRegistry } from '../../../events/index.ts';
import { quoteIdentifier, type TableModel } from '../../../src/definitions/index.ts';
import type { Envelope } from '../../../src/log/index.ts';
import { createTables } from '../../../src/projections/index.ts';
import { exampleEvents } from '../exampleEvents.ts';
import { exampleSchema } from '../produceExampleLog.ts';
import { exampleTag } from './exampleTarget.ts';
import { peakRssMiB, report } from './PeerFigures.ts';
import { peerDatabase } from './peerDatabase.ts';
import type { PeerValue } from './PeerProjection.ts';
import { peerProjection } from './peerProjections.ts';
import { startPostgresCpu } from './postgresCpu.ts';
import { tableChecksums } from './tableChecksums.ts';

const [prefix, name, countArg] = process.argv.slice(2);
if (prefix === undefined || countArg === undefined)
  throw new Error('usage: ceilingRun.ts <prefix> <projection> <count>');
const peer = peerProjection(name);
const count = Number(countArg);

const types: string[] = [];
const values: string[] = [];
const schemas: (string | undefined)[] = [];
for (const envelope of exampleEvents({ count, tag: exampleTag(prefix) })) {
  types.push(envelope.type);
  values.push(JSON.stringify(envelope));
  schemas.push(exampleSchema(envelope));
}

/** COPY's text form of a value: backslash, newline, carriage return and tab escaped; null is \N. */
const copyText = (value: PeerValue | undefined): string => {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text = String(value);
  return /[\\\n\r\t]/.test(text)
    ? text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\t', '\\t')
    : text;
};

function* copyChunks(table: TableModel, rows: Iterable<Readonly<Record<string, PeerValue>>>) {
  let chunk = '';
  for (const row of rows) {
    chunk += `${table.columns.map((c) => copyText(row[c.name])).join('\t')}\n`;
    if (chunk.length >= 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

const database = await peerDatabase();
const pool = database.pool(1);
try {
  await createTables({ db: pool, definition: peer.definition });
  const db = await pool.connect();
  const postgres = await startPostgresCpu(database.name);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const fold = peer.createFold();
  for (let i = 0; i < count; i++) {
    if (!peer.types.has(types[i] as string)) continue;
    const e = JSON.parse(values[i] as string) as Envelope;
    const decoded = contractRegistry.decode('event', e.type, e.version, e.data, schemas[i]);
    if (decoded.status !== 'ok')
      throw new Error(`${e.type} v${e.version} does not decode: ${decoded.status}`);
    fold.apply({ type: e.type, streamId: e.streamId, time: e.time, data: decoded.value });
  }
  const folded = performance.now();
  await db.query('begin');
  for (const [tableName, rows] of fold.rows()) {
    const table = peer.definition.model.tables.get(tableName);
    if (table === undefined) throw new Error(`the fold wrote an unknown table ${tableName}`);
    const columns = table.columns.map((c) => quoteIdentifier(c.name)).join(', ');
    await pipeline(
      Readable.from(copyChunks(table, rows)),
      db.query(copyFrom(`copy ${table.qualified} (${columns}) from stdin`)),
    );
  }
  await db.query('commit');
  const tookMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const postgresCpuMs = await postgres.stop();
  db.release();
  report({
    system: 'ceiling',
    projection: peer.definition.name,
    events: count,
    targetEvents: count,
    tookMs,
    perSecond: count / (tookMs / 1000),
    cpuMs: (used.user + used.system) / 1000,
    postgresCpuMs,
    peakRssMiB: peakRssMiB(),
    checksums: await tableChecksums(pool, peer.definition),
    partsMs: { fold: folded - started, copy: tookMs - (folded - started) },
  });
} finally {
  await pool.end();
  await database.drop();
}
