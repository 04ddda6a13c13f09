import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../../src/cli/exitCodes.ts';
import { startProjectionist } from '../../src/main.ts';
import { testEnv } from '../harness/testEnv.ts';
import { withRawAdmin } from '../harness/rawKafka.ts';
import { testPrefix, useTestDatabase } from '../harness/testServices.ts';
import { stagingKey } from '../staging/fixtures/stagingKeys.ts';
import { runCli, type CliRun } from './support/runCli.ts';

/** The one JSON document a `--json` run printed on stdout (its logs, at level info, went to stderr). */
const documentOf = (run: CliRun): unknown => {
  try {
    return JSON.parse(run.stdout);
  } catch (error) {
    throw new Error(
      `stdout is not one JSON document (${String(error)}): ${run.stdout.slice(0, 500)}\nstderr: ${run.stderr.slice(-1500)}`,
      { cause: error },
    );
  }
};

describe('the CLI', () => {
  let env: Record<string, string>;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await useTestDatabase();
    env = testEnv(databaseUrl, testPrefix('cli'), {
      PROJECTIONIST_STAGING_DATABASE_URL: await useTestDatabase(),
      PROJECTIONIST_STAGING_KEY: stagingKey,
    });
  });

  it('exits with usage on an unknown flag or verb, printing the usage on stderr and nothing on stdout', async () => {
    const flag = await runCli(['status', '--jsn'], env);
    expect(flag.code).toBe(exitCodes.usage);
    expect(flag.stderr).toContain("Unknown option '--jsn'");
    expect(flag.stderr).toContain('usage: projectionist status');
    expect(flag.stdout).toBe('');
    const verb = await runCli(['frobnicate'], env);
    expect(verb.code).toBe(exitCodes.usage);
    expect(verb.stderr).toContain("unknown command 'frobnicate'");
    const help = await runCli(['cutover', '--help'], env);
    expect(help.code).toBe(exitCodes.ok);
    expect(help.stdout).toContain('usage: projectionist cutover <projection> <version>');
  });

  it('refuses read-only verbs on a database without the registry, and creates nothing', async () => {
    const status = await runCli(['status', '--json'], env);
    expect(status.code).toBe(exitCodes.refused);
    expect(status.stderr).toContain('run `projectionist migrate`');
    expect(documentOf(status)).toMatchObject({ error: { code: 'PRJ_REGISTRY_MISSING' } });
    const topics = await runCli(['topics', 'check', '--json'], env);
    expect(topics.code).toBe(exitCodes.refused);
    expect(documentOf(topics)).toMatchObject({ error: { code: 'PRJ_REGISTRY_MISSING' } });
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    const prefix = env.PROJECTIONIST_TOPIC_PREFIX ?? '';
    try {
      const registry = await pool.query<{ found: string | null }>(
        `select to_regnamespace('projectionist')::text as found`,
      );
      expect(registry.rows[0]?.found).toBeNull();
      const topics = await withRawAdmin((admin) => admin.listTopics());
      expect(topics.filter((t) => t.startsWith(`${prefix}.`))).toEqual([]);
    } finally {
      await pool.end();
    }
  });

  it('prints one JSON document with --json for every verb', async () => {
    const migrate = await runCli(['migrate', '--json'], env);
    expect(migrate.code, migrate.stderr).toBe(exitCodes.ok);
    expect(documentOf(migrate)).toMatchObject({ migrated: true });
    expect(migrate.stderr).toContain('"projectionist started"');
    // The versions are registered by an engine's start (a serve's), as they would be in production.
    const engine = await startProjectionist({ env, engine: true, http: false, workers: false });
    await engine.stop();

    const verbs: { args: string[]; codes?: number[] }[] = [
      { args: ['status'] },
      { args: ['topics', 'check'] },
      { args: ['rebuild', 'customer-directory', '1'] },
      { args: ['pause', 'customer-directory', '1'] },
      { args: ['resume', 'customer-directory', '1'] },
      { args: ['cancel', 'customer-directory', '1'] },
      // Refused (no active version to verify against or switch back to): the refusal is the document.
      { args: ['verify', 'customer-directory', '1'], codes: [exitCodes.ok, exitCodes.refused] },
      { args: ['cutover', 'customer-directory', '1'], codes: [exitCodes.ok, exitCodes.refused] },
      { args: ['rollback', 'customer-directory'], codes: [exitCodes.refused, exitCodes.failed] },
      { args: ['retire', 'customer-directory', '1'], codes: [exitCodes.ok, exitCodes.refused] },
      { args: ['parked', 'list', 'customer-directory', '2'] },
      { args: ['parked', 'retry', 'customer-directory', '2'] },
      { args: ['parked', 'skip', 'customer-directory', '2'] },
      { args: ['dead-letters', 'list'] },
      { args: ['dead-letters', 'redrive'] },
      { args: ['staging', 'refresh'] },
    ];
    for (const { args, codes = [exitCodes.ok] } of verbs) {
      const run = await runCli([...args, '--json'], env);
      expect(codes, `${args.join(' ')}: exit ${run.code}\n${run.stderr.slice(-1500)}`).toContain(run.code);
      const document = documentOf(run);
      expect(document, args.join(' ')).toBeTypeOf('object');
      if (run.code !== exitCodes.ok)
        expect(document).toMatchObject({ error: { code: expect.stringMatching(/^PRJ_/) } });
    }
  });

  it('follows the status as one JSON document a line until ^C', async () => {
    expect((await runCli(['migrate'], env)).code).toBe(exitCodes.ok);
    const run = await runCli(['status', '--follow', '--json'], env, { interruptAfterLines: 2 });
    expect(run.code, run.stderr.slice(-1500)).toBe(exitCodes.ok);
    const lines = run.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(JSON.parse(line)).toBeInstanceOf(Array);
  });

  it('follows a rebuild as JSON lines until the version is ready', async () => {
    // A deployment of its own, where only what is asked is built; the engine of a serve does
    // the work, the CLI only asks and watches.
    const own = testEnv(await useTestDatabase(), testPrefix('cli'), { PROJECTIONIST_AUTO_REBUILD: 'false' });
    const engine = await startProjectionist({ env: own, engine: true, http: false, workers: false });
    try {
      const run = await runCli(
        ['rebuild', 'customer-directory', '2', '--from-scratch', '--follow', '--json'],
        own,
      );
      expect(run.code, run.stderr.slice(-2000)).toBe(exitCodes.ok);
      const lines = run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines[0]).toMatchObject({ name: 'customer-directory', version: 2 });
      expect(lines.length).toBeGreaterThan(1);
      expect(lines.at(-1)).toMatchObject({
        done: true,
        activity: expect.stringMatching(/^(ready|live|standby)$/),
      });
    } finally {
      await engine.stop();
    }
  });
});
