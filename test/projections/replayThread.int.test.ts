import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { definitionModule, loadProjections, type ProjectionDefinition } from '../../src/definitions/index.ts';
import { isProjectionistError } from '../../src/errors/index.ts';
import { highWatermarks, type OffsetVector } from '../../src/log/index.ts';
import {
  createEmitter,
  replayProjection,
  type ProjectorEvents,
  type ReplayThreadOptions,
} from '../../src/projections/index.ts';
import { readCheckpoints } from '../../src/registry/index.ts';
import { kafkaBrokers } from '../harness/testServices.ts';
import { ledgerProjection } from './fixtures/ledgerProjection.ts';
import { ledgerContracts } from './fixtures/threaded/ledgerContracts.ts';
import { appendAll } from './support/appendAll.ts';
import { ledgerEvents } from './support/ledgerEvents.ts';
import { useProjectionBed } from './support/projectionBed.ts';
import { tableChecksums } from './support/tableChecksum.ts';
import { testDecoder } from './support/testDecoder.ts';

const fixtures = join(import.meta.dirname, 'fixtures', 'threaded');

/** The fixture versions (ledger v2, v3), loaded as a deployment loads its projections. */
const loaded = async (version: number): Promise<ProjectionDefinition> => {
  const all = await loadProjections({ folder: fixtures, contracts: ledgerContracts });
  const found = all.find((d) => d.version === version);
  if (found === undefined) throw new Error(`no ledger v${version} among the fixtures`);
  return found;
};

describe('a build replayed in a worker thread (replayInThread)', () => {
  const bed = useProjectionBed({ label: 'thread', eventsPartitions: 3, poolMax: 4, registry: true });

  const thread = (overrides: Partial<ReplayThreadOptions> = {}): ReplayThreadOptions => ({
    contracts: {
      module: pathToFileURL(join(fixtures, 'ledgerContracts.ts')).href,
      export: 'ledgerContracts',
    },
    database: { url: bed.databaseUrl, max: 3, connectTimeoutMs: 5_000 },
    kafka: { brokers: kafkaBrokers(), clientId: 'thread-test', prefix: bed.client.prefix },
    logLevel: 'silent',
    ...overrides,
  });

  /** Appends a seeded ledger history to the bed's topic; answers the head it reaches. */
  const appended = async (count: number, accounts: number, seed: number) => {
    await appendAll(bed.client, ledgerEvents({ count, accounts, seed }));
    return highWatermarks({ client: bed.client, topic: bed.client.topics.events });
  };

  /** Replays ledger v1 in this thread, with testDecoder, up to `until`. */
  const replayHere = (until: OffsetVector) =>
    replayProjection({
      pool: bed.pool,
      client: bed.client,
      definition: ledgerProjection(1),
      decode: testDecoder,
      until,
    });

  it('ends with the same rows as a replay in this thread, its batches reported here', async () => {
    const { pool, client } = bed;
    const until = await appended(3_000, 200, 7);
    const here = await replayHere(until);
    expect(here.status).toBe('reached');

    const definition = await loaded(2);
    expect(definitionModule(definition)).toEqual({
      url: pathToFileURL(join(fixtures, 'ledger', 'v2.ts')).href,
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const emitter = createEmitter<ProjectorEvents>();
    const batches: ProjectorEvents['projector:batch'][] = [];
    emitter.on('projector:batch', (b) => batches.push(b));
    const started = emitter.once('projector:started');
    const there = await replayProjection({
      pool,
      client,
      definition,
      decode: testDecoder,
      until,
      emitter,
      limits: { maxEvents: 500 },
      thread: thread(),
    });
    expect(there.status).toBe('reached');
    expect(there.positions).toEqual(until);
    expect((await started).version).toBe(2);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.reduce((n, b) => n + b.applied + b.ignored + b.skipped, 0)).toBe(3_000);
    expect(await tableChecksums(pool, definition)).toEqual(await tableChecksums(pool, ledgerProjection(1)));
    expect(await readCheckpoints({ db: pool, name: 'ledger', version: 2 })).toEqual(until);
  });

  it('stops with its signal, keeping what it committed; the next replay resumes from there', async () => {
    const { pool, client } = bed;
    const until = await appended(6_000, 300, 8);
    const definition = await loaded(2);
    const emitter = createEmitter<ProjectorEvents>();
    const stop = new AbortController();
    emitter.on('projector:batch', () => stop.abort());
    const stopped = await replayProjection({
      pool,
      client,
      definition,
      decode: testDecoder,
      until,
      emitter,
      signal: stop.signal,
      limits: { maxEvents: 200, maxDelayMs: 1 },
      thread: thread(),
    });
    expect(stopped.status).toBe('stopped');
    const committed = await readCheckpoints({ db: pool, name: 'ledger', version: 2 });
    const done = [...committed.values()].reduce((a, b) => a + b, 0n);
    expect(done).toBeGreaterThan(0n);
    expect(done).toBeLessThan(6_000n);

    const resumed = createEmitter<ProjectorEvents>();
    const from = resumed.once('projector:started');
    const reached = await replayProjection({
      pool,
      client,
      definition,
      decode: testDecoder,
      until,
      emitter: resumed,
      thread: thread(),
    });
    expect(reached.status).toBe('reached');
    expect((await from).from).toEqual(committed);
    await replayHere(until);
    expect(await tableChecksums(pool, definition)).toEqual(await tableChecksums(pool, ledgerProjection(1)));
  });

  it("brings a handler's failure back as the same error: the version fails for good", async () => {
    const { pool, client } = bed;
    const until = await appended(2_000, 100, 9);
    const failure = await replayProjection({
      pool,
      client,
      definition: await loaded(3),
      decode: testDecoder,
      until,
      thread: thread(),
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isProjectionistError(failure, 'PRJ_HANDLER_FAILED')).toBe(true);
    expect(String((failure as Error).message)).toContain('withdrawals are refused by this version');
    const state = await pool.query<{ status: string; status_reason: string }>(
      `select status, status_reason from projectionist.versions where name = 'ledger' and version = 3`,
    );
    expect(state.rows[0]?.status).toBe('failed');
    expect(state.rows[0]?.status_reason).toContain('withdrawals are refused by this version');
  });

  it("replays in this thread, with this process's code, when the module changed on disk since it was loaded", async () => {
    const { pool, client } = bed;
    const until = await appended(1_500, 80, 11);
    // Beside the fixtures, so that the copy's relative imports resolve as the original's do.
    const folder = await mkdtemp(join(import.meta.dirname, 'fixtures', '.thread-'));
    try {
      await cp(join(fixtures, 'ledger'), join(folder, 'ledger'), { recursive: true });
      await rm(join(folder, 'ledger', 'v3.ts'));
      const [definition] = await loadProjections({ folder, contracts: ledgerContracts });
      if (definition === undefined) throw new Error('the copied fixture did not load');
      // A deploy in place: the file now defines v2 with a handler that fails, and another hash.
      await writeFile(
        join(folder, 'ledger', 'v2.ts'),
        [
          "import { ledgerProjection } from '../../ledgerProjection.ts';",
          'const base = ledgerProjection(2);',
          'export const ledgerV2 = {',
          "  ...base, hash: 'changed', onPoison: 'stop',",
          "  handlers: { ...base.handlers, Deposited: { keys: () => [], apply: () => { throw new Error('new code'); } } },",
          '};',
        ].join('\n'),
      );
      const replayed = await replayProjection({
        pool,
        client,
        definition,
        decode: testDecoder,
        until,
        thread: thread(),
      });
      expect(replayed.status).toBe('reached');
      await replayHere(until);
      expect(await tableChecksums(pool, definition)).toEqual(await tableChecksums(pool, ledgerProjection(1)));
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('refuses with a clear error when the thread cannot find what it is to run', async () => {
    const { pool, client } = bed;
    const until = await appended(100, 10, 10);
    const module = pathToFileURL(join(fixtures, 'ledgerContracts.ts')).href;
    const refusal = replayProjection({
      pool,
      client,
      definition: await loaded(2),
      decode: testDecoder,
      until,
      thread: thread({ contracts: { module, export: 'noSuchExport' } }),
    });
    await expect(refusal).rejects.toThrow(`${module} exports no contracts registry as noSuchExport`);
  });
});
