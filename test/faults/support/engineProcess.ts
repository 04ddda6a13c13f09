// A rebuild engine over every deployed projection version in a process of its own, for the
// fault suite's kills: it prints one JSON line per lifecycle event until it is killed (SIGKILL:
// no cleanup at all) or asked to stop (SIGTERM). Environment: FAULT_BROKERS, FAULT_PREFIX,
// FAULT_DATABASE_URL, FAULT_HOLDER, FAULT_LEASE_TTL_MS, FAULT_MAX_ROWS.
import pg from 'pg';
import { contractRegistry } from '../../../events/index.ts';
import { projections } from '../../../projections/index.ts';
import { LogClient } from '../../../src/log/index.ts';
import { createLogger } from '../../../src/logger/index.ts';
import { contractsDecoder } from '../../../src/projections/index.ts';
import { RebuildEngine } from '../../../src/rebuild/index.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
};

const pool = new pg.Pool({ connectionString: env('FAULT_DATABASE_URL'), max: 8 });
pool.on('error', () => undefined);
const client = new LogClient({
  brokers: env('FAULT_BROKERS').split(','),
  clientId: 'faults-engine',
  prefix: env('FAULT_PREFIX'),
  logger: createLogger({ level: 'silent' }),
});
const engine = new RebuildEngine({
  pool,
  client,
  definitions: projections,
  decode: contractsDecoder(contractRegistry),
  holder: env('FAULT_HOLDER'),
  leaseTtlMs: Number(env('FAULT_LEASE_TTL_MS')),
  autoRebuild: true,
  pollMs: 200,
  limits: { maxRows: Number(env('FAULT_MAX_ROWS')), maxDelayMs: 50 },
  retry: { minMs: 50, maxMs: 500 },
});
const print = (event: string, fields: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ event, at: Date.now(), ...fields })}\n`);

engine.events.on('rebuild:started', (e) =>
  print('started', { name: e.name, version: e.version, total: e.total.toString(), resumed: e.resumed }),
);
engine.events.on('rebuild:batch', (e) =>
  print('batch', { name: e.name, version: e.version, applied: e.applied.toString() }),
);
engine.events.on('rebuild:built', (e) => print('built', { name: e.name, version: e.version }));
engine.events.on('rebuild:caught-up', (e) => print('caught-up', { name: e.name, version: e.version }));
engine.events.on('rebuild:standby', (e) => print('standby', { name: e.name, version: e.version }));
engine.events.on('rebuild:error', (e) =>
  print('error', { name: e.name, version: e.version, message: String((e.error as Error).message) }),
);
engine.events.on('rebuild:failed', (e) =>
  print('failed', { name: e.name, version: e.version, message: e.error.message }),
);
engine.events.on('engine:error', (e) =>
  print('engine-error', { message: String((e.error as Error).message) }),
);

process.once('SIGTERM', () => {
  void (async () => {
    await engine.stop();
    await client.close();
    await pool.end();
    print('stopped');
  })();
});

await engine.start();
print('running');
