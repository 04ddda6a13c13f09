import pg from 'pg';
import { contractRegistry } from '../../../events/index.ts';
import { ensureTopics, type LogClient } from '../../../src/log/index.ts';
import { contractsDecoder } from '../../../src/projections/index.ts';
import { migrateRegistry } from '../../../src/registry/index.ts';
import { type ProjectionDefinition } from '../../../src/definitions/index.ts';
import { RebuildEngine, type RebuildEngineOptions } from '../../../src/rebuild/index.ts';
import { testLogClient, testPrefix, useTestDatabase } from '../../harness/testServices.ts';
import { recordEvents } from './recordEvents.ts';

export const decode = contractsDecoder(contractRegistry);

/**
 * A database and a topic prefix of one test's own (projection names and checkpoints must not
 * meet another test's), and engines over them that `close` stops before closing the rest.
 */
export const openTestBed = async (label: string) => {
  const databaseUrl = await useTestDatabase();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 12 });
  // What serve does at start-up, once: engines in this process and in the beds' child processes need it.
  await migrateRegistry({ pool });
  const client: LogClient = testLogClient(testPrefix(label));
  await ensureTopics({ client, eventsPartitions: 3, commandsPartitions: 1, replicationFactor: 1 });
  const engines: RebuildEngine[] = [];
  const startEngine = async (
    options: Partial<RebuildEngineOptions> & { definitions: readonly ProjectionDefinition[] },
  ) => {
    const engine = new RebuildEngine({
      pool,
      client,
      decode,
      autoRebuild: true,
      leaseTtlMs: 5_000,
      pollMs: 200,
      limits: { maxDelayMs: 50 },
      retry: { minMs: 50, maxMs: 500 },
      ...options,
    });
    const recorded = recordEvents(engine);
    engines.push(engine);
    await engine.start();
    return { engine, ...recorded };
  };
  const stopEngine = async (engine: RebuildEngine) => {
    engines.splice(engines.indexOf(engine), 1);
    await engine.stop();
  };
  const close = async () => {
    for (const engine of engines.splice(0)) await engine.stop();
    await client.close();
    await pool.end();
  };
  return { databaseUrl, pool, client, startEngine, stopEngine, close };
};

export type TestBed = Awaited<ReturnType<typeof openTestBed>>;
