import { userInfo } from 'node:os';
import type { Statement } from '../db/index.ts';
import type { ProjectionDefinition } from '../definitions/index.ts';
import type { Running } from '../main.ts';
import { planRebuild, planRetire, planRollback, type OperationPlan } from '../rebuild/index.ts';
import { exitCodes } from './exitCodes.ts';

const literal = (value: unknown): string =>
  value === null || value === undefined
    ? 'null'
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : value instanceof Date
        ? `'${value.toISOString()}'`
        : `'${(typeof value === 'string' ? value : JSON.stringify(value)).replaceAll("'", "''")}'`;

/** A statement as psql would take it, its parameters in a comment above it. */
const sql = (s: Statement): string =>
  [
    ...(s.values.length === 0
      ? []
      : [`-- ${s.values.map((v, i) => `$${i + 1} = ${literal(v)}`).join(', ')}`]),
    `${s.text};`,
  ].join('\n');

const describe = (plan: OperationPlan): string => {
  const served = `reads served by ${plan.active === null ? 'no version' : `v${plan.active}`}`;
  const head =
    plan.version === null
      ? `${plan.operation} ${plan.name}: ${served}`
      : `${plan.operation} ${plan.name} v${plan.version}: status ${plan.status ?? 'not registered'}, ${served}`;
  const lines = [head];
  if (plan.refusal !== null) lines.push(`REFUSED now: ${plan.refusal}`);
  if (plan.replay !== undefined) {
    const r = plan.replay;
    const vector = (v: Readonly<Record<string, string>>) =>
      Object.entries(v)
        .map(([p, o]) => `${p}:${o}`)
        .join(' ');
    lines.push(
      '',
      `replay${r.fromScratch ? ' from scratch' : r.resumes ? ' (resumes from its checkpoints)' : ''}: from ${vector(r.start)} to ${vector(r.target)}, about ${r.estimatedEvents} events`,
    );
  }
  if (plan.checks !== undefined) {
    lines.push('', `checks that gate the cutover (${plan.checks.length}):`);
    for (const { name, kind, ...rest } of plan.checks)
      lines.push(`  ${String(name)} (${String(kind)}): ${JSON.stringify(rest)}`);
    if (plan.checks.length === 0) lines.push('  none declared');
  }
  for (const note of plan.notes) lines.push(`note: ${note}`);
  plan.steps.forEach((step, i) => {
    lines.push('', `-- ${i + 1}. ${step.title}`, ...step.statements.map(sql));
  });
  return lines.join('\n');
};

/**
 * `plan <projection> <version>`, `plan retire <projection> <version>`, `plan rollback
 * <projection>`: what the operation would run, changing nothing (PostgreSQL is read in one
 * read-only transaction). Exit 0, or 3 when the operation would be refused now (the plan is still
 * printed).
 */
export const runPlan = async (options: {
  running: Running;
  definitions: readonly ProjectionDefinition[];
  operation: OperationPlan['operation'];
  name: string;
  version: number | undefined;
  fromScratch: boolean;
  json: boolean;
  print: (line: string) => void;
}): Promise<number> => {
  const { running, name, print } = options;
  const version = options.version ?? 0;
  const actor = `cli:${userInfo().username}`;
  const { pool } = running;
  const plan =
    options.operation === 'rebuild'
      ? await planRebuild({
          pool,
          client: running.log,
          definitions: options.definitions,
          name,
          version,
          fromScratch: options.fromScratch,
          actor,
        })
      : options.operation === 'retire'
        ? await planRetire({ pool, name, version, actor })
        : await planRollback({ pool, name, actor });
  print(options.json ? JSON.stringify(plan) : describe(plan));
  return plan.refusal === null ? exitCodes.ok : exitCodes.refused;
};
