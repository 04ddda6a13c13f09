import type pg from 'pg';
import { engineDefaults } from '../config/index.ts';
import { inSnapshot } from '../db/index.ts';
import {
  earliestOffsets,
  highWatermarks,
  offsetDistance,
  offsetVectorToJson,
  type LogClient,
} from '../log/index.ts';
import { analyzeStatements, indexStatements, tableStatements } from '../projections/index.ts';
import type { ProjectionDefinition } from '../definitions/index.ts';
import { dropSchemaStatement } from './dropSchemaStatement.ts';
import { findDefinition } from './findDefinition.ts';
import type { OperationPlan, PlanStep } from './OperationPlan.ts';
import { readPlanState } from './readPlanState.ts';
import { switchTransaction } from './switchStatements.ts';

/** What the audit row's took_ms will hold: only the switch can know. */
export const measuredAtCommit = '(the switch’s duration in ms, measured at commit)';

/**
 * What a rebuild of a version and then its cutover would run, found without changing anything
 * (PostgreSQL read in one read-only snapshot, the broker's offsets read): the reset of a build
 * from scratch, the tables bare, the replay's start and target offsets and estimated events, the
 * late indexes and statistics, the checks that gate the cutover, and the cutover's transaction
 * as it would run now (views, lock_timeout, the audit row). The statements come from the same
 * functions the build and the switch run. PRJ_NOT_FOUND for a version this code does not deploy.
 */
export const planRebuild = async (options: {
  pool: pg.Pool;
  client: LogClient;
  definitions: readonly ProjectionDefinition[];
  name: string;
  version: number;
  fromScratch?: boolean;
  actor: string;
}): Promise<OperationPlan> => {
  const { pool, client, name, version, actor } = options;
  const definition = findDefinition(options.definitions, name, version);
  const topic = client.topics.events;
  const [earliest, latest] = [
    await earliestOffsets({ client, topic }),
    await highWatermarks({ client, topic }),
  ];
  return inSnapshot(pool, async (db) => {
    const state = await readPlanState(db, name);
    const row = state.rows.find((r) => r.version === version);
    const status = row?.state.status ?? null;
    const active = state.active;
    const notes: string[] = [];
    let refusal: string | null = null;
    const built = status === 'catching-up' || status === 'standby' || status === 'live';
    const fromScratch = options.fromScratch === true || status === 'retired';
    if (active === version)
      refusal = `${name} v${version} serves reads; rebuild another version and cut over to it instead`;
    else if (built && !fromScratch)
      refusal = `${name} v${version} is built (${status}); plan (and rebuild) it --from-scratch to build it again`;
    if (row === undefined)
      notes.push(
        `${name} v${version} is not registered yet: an engine (serve) registers it at start and builds it ` +
          `(at once with PROJECTIONIST_AUTO_REBUILD on, else on \`projectionist rebuild\`)`,
      );
    const resumes = !fromScratch && row?.target != null;
    const target = resumes && row?.target != null ? row.target : latest;
    if (!resumes) notes.push('the target is the high watermarks when the build starts (now, as planned)');
    const start = new Map(
      [...target.keys()].map((p) => [
        p,
        (resumes ? row?.checkpoints.get(p) : undefined) ?? earliest.get(p) ?? 0n,
      ]),
    );
    const truncated = [...earliest].filter(([, low]) => low > 0n);
    if (truncated.length > 0 && refusal === null)
      refusal = `${topic} has lost records (${truncated.map(([p, low]) => `partition ${p} starts at ${low}`).join(', ')}); a build would be refused`;

    const steps: PlanStep[] = [];
    if (fromScratch && row !== undefined)
      steps.push({
        title: 'empty the version (build from scratch), under its lease',
        statements: [dropSchemaStatement(name, version)],
      });
    steps.push({
      title: 'create the schema and the tables, bare (primary keys only)',
      statements: tableStatements(definition),
    });
    steps.push({
      title: `replay ${offsetDistance(start, target)} events up to the target, then build the late indexes`,
      statements: indexStatements(definition),
    });
    steps.push({ title: 'gather fresh statistics', statements: analyzeStatements(definition) });
    notes.push('after the build it catches up to the high watermarks of then, and tails the log');

    const checks: Readonly<Record<string, unknown>>[] = definition.checks.map((c) => ({ ...c }));
    if (checks.length === 0 && active !== null && active !== version)
      notes.push(`v${version} declares no checks: it is unverified, and its cutover needs --unverified`);
    if (active === null)
      notes.push(`${name} serves no version: the first built one takes over reads by itself`);
    const tables =
      (await state.tablesOf(version)).length > 0
        ? await state.tablesOf(version)
        : [...definition.model.tables.keys()].sort();
    steps.push({
      title: `cut over (after the checks), one transaction; lock_timeout ${engineDefaults.cutover.lockTimeoutMs} ms, attempts retried within ${engineDefaults.cutover.maxWaitMs} ms`,
      statements: switchTransaction({
        name,
        version,
        stable: definition.model.stableSchema,
        tables,
        views: state.views,
        from: active,
        lockTimeoutMs: engineDefaults.cutover.lockTimeoutMs,
        actor,
        tookMs: measuredAtCommit,
      }),
    });
    return {
      operation: 'rebuild',
      name,
      version,
      status,
      active,
      refusal,
      notes,
      replay: {
        fromScratch,
        resumes,
        start: offsetVectorToJson(start),
        target: offsetVectorToJson(target),
        estimatedEvents: offsetDistance(start, target).toString(),
      },
      checks,
      steps,
    };
  });
};
