import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { benchDatabase } from '../../../bench/lib/benchDatabase.ts';
import { contractRegistry } from '../../../events/index.ts';
import { catalogFromContracts, createCommandStore } from '../../../src/commands/index.ts';
import { LogClient } from '../../../src/log/index.ts';
import { createLogger } from '../../../src/logger/index.ts';
import { faultEnv } from './faultEnv.ts';

/**
 * What a scenario that sends commands to `serve` instances reads their work with: a database and
 * a topic prefix of its own, a pool (whose idle clients may die with PostgreSQL), a log client
 * and the command store of that prefix. `close` closes them and drops the database.
 */
export const openCommandScenario = async (label: string) => {
  const db = await benchDatabase(`faults_${label}`);
  const prefix = `faults-${label}-${randomUUID().slice(0, 8)}`;
  const catalog = catalogFromContracts(contractRegistry);
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pool.on('error', () => undefined);
  const log = new LogClient({
    brokers: faultEnv.brokers,
    clientId: 'faults',
    prefix,
    logger: createLogger({ level: 'silent' }),
  });
  const store = createCommandStore({ pool, prefix, catalog });
  const close = async () => {
    await log.close();
    await pool.end();
    await db.drop().catch(() => undefined);
  };
  return { db, prefix, catalog, pool, log, store, close };
};
