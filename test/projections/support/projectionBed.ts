import pg from 'pg';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import { ensureTopics, type LogClient } from '../../../src/log/index.ts';
import { Projector, type ProjectorOptions } from '../../../src/projections/index.ts';
import { migrateRegistry } from '../../../src/registry/index.ts';
import { testLogClient, testPrefix, useTestDatabase } from '../../harness/testServices.ts';
import { testDecoder } from './testDecoder.ts';

type ProjectorSpec = Partial<ProjectorOptions> & Pick<ProjectorOptions, 'definition'>;

/** What a projection test works on; `pool` and `client` are a test's own, made before it. */
export type ProjectionBed = {
  readonly databaseUrl: string;
  readonly pool: pg.Pool;
  readonly client: LogClient;
  /** A projector on this bed (testDecoder, a 5 s lease, then the bed's and these options), stopped after the test. */
  projector(options: ProjectorSpec): Projector;
  /** The same, started. */
  startProjector(options: ProjectorSpec): Promise<Projector>;
};

/**
 * The projection tests' bed, set up by hooks of the calling `describe`: one database for the
 * file, and for each test a pool, a log client on a topic prefix of its own with its topics made
 * (and the registry migrated, when asked), and projectors that are stopped after the test,
 * before the client and the pool close.
 */
export const useProjectionBed = (options: {
  label: string;
  eventsPartitions: number;
  poolMax: number;
  registry: boolean;
  projectorDefaults?: Partial<ProjectorOptions>;
}): ProjectionBed => {
  let databaseUrl: string | undefined;
  let opened: { pool: pg.Pool; client: LogClient } | undefined;
  const projectors: Projector[] = [];
  beforeAll(async () => {
    databaseUrl = await useTestDatabase();
  });
  beforeEach(async () => {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: options.poolMax });
    const client = testLogClient(testPrefix(options.label));
    opened = { pool, client };
    await ensureTopics({
      client,
      eventsPartitions: options.eventsPartitions,
      commandsPartitions: 1,
      replicationFactor: 1,
    });
    if (options.registry) await migrateRegistry({ pool });
  });
  afterEach(async () => {
    for (const projector of projectors.splice(0)) await projector.stop();
    await opened?.client.close();
    await opened?.pool.end();
    opened = undefined;
  });
  const current = () => {
    if (opened === undefined) throw new Error('the projection bed is open only inside a test');
    return opened;
  };
  const projector = (spec: ProjectorSpec) => {
    const made = new Projector({
      ...current(),
      decode: testDecoder,
      leaseTtlMs: 5_000,
      ...options.projectorDefaults,
      ...spec,
    });
    projectors.push(made);
    return made;
  };
  return {
    get databaseUrl() {
      if (databaseUrl === undefined) throw new Error('the projection bed has no database before its tests');
      return databaseUrl;
    },
    get pool() {
      return current().pool;
    },
    get client() {
      return current().client;
    },
    projector,
    startProjector: async (spec) => {
      const started = projector(spec);
      await started.start();
      return started;
    },
  };
};
