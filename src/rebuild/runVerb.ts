import type pg from 'pg';
import type { ProjectionDefinition } from '../definitions/index.ts';
import { ProjectionistError } from '../errors/index.ts';
import type { LogClient } from '../log/index.ts';
import { cancelRebuild } from './cancelRebuild.ts';
import { cutover } from './cutover.ts';
import { pauseVersion } from './pauseVersion.ts';
import { requestRebuild, type RebuildRequest } from './requestRebuild.ts';
import { resumeVersion } from './resumeVersion.ts';
import { retire, type Retirement } from './retire.ts';
import { rollback } from './rollback.ts';
import type { CutoverResult } from './switchVersion.ts';
import { verifyVersion } from './verifyVersion.ts';
import { type Verification } from '../registry/index.ts';

/** The operator's verbs on a projection version, as the CLI and the admin API both offer them. */
export const operatorVerbs = [
  'rebuild',
  'cutover',
  'rollback',
  'retire',
  'pause',
  'resume',
  'cancel',
  'verify',
] as const;
export type OperatorVerb = (typeof operatorVerbs)[number];

/** What each verb answers. */
export type VerbResults = {
  rebuild: RebuildRequest;
  cutover: CutoverResult;
  rollback: CutoverResult;
  retire: Retirement;
  pause: { name: string; version: number; paused: true };
  resume: { name: string; version: number; paused: false };
  cancel: { name: string; version: number; cancelled: true };
  verify: Verification;
};

export type VerbContext = {
  readonly pool: pg.Pool;
  readonly client: LogClient;
  readonly definitions: readonly ProjectionDefinition[];
  /** Who asked, for the audit log and the rebuild row: `cli:<user>`, `http:<ip>`. */
  readonly actor: string;
};

/**
 * Runs one operator verb against the registry; the process running the engine picks the change
 * up. Every verb but rollback needs a version (PRJ_VALIDATION without one). Refusals throw coded
 * errors (PRJ_VERSION_STATE, PRJ_NOT_FOUND, ...), which the CLI maps to exit 3 and HTTP to 409/404.
 */
export const runVerb = async <V extends OperatorVerb>(
  context: VerbContext,
  verb: V,
  target: { name: string; version?: number | undefined; fromScratch?: boolean; unverified?: boolean },
): Promise<VerbResults[V]> => {
  const { pool, client, definitions, actor } = context;
  const { name } = target;
  if (verb === 'rollback')
    return (await rollback({ pool, client, definitions, name, actor })) as VerbResults[V];
  const version = target.version;
  if (version === undefined)
    throw new ProjectionistError('PRJ_VALIDATION', `${verb} needs a version: ${verb} <projection> <version>`);
  const other: Exclude<OperatorVerb, 'rollback'> = verb;
  const result: VerbResults[OperatorVerb] = await (async () => {
    switch (other) {
      case 'rebuild':
        return requestRebuild({ pool, name, version, fromScratch: target.fromScratch ?? false, actor });
      case 'cutover':
        return cutover({
          pool,
          client,
          definitions,
          name,
          version,
          actor,
          unverified: target.unverified ?? false,
        });
      case 'retire':
        return retire({ pool, name, version, actor });
      case 'pause':
        await pauseVersion({ pool, name, version, actor });
        return { name, version, paused: true as const };
      case 'resume':
        await resumeVersion({ pool, name, version, actor });
        return { name, version, paused: false as const };
      case 'cancel':
        await cancelRebuild({ pool, name, version, actor });
        return { name, version, cancelled: true as const };
      case 'verify':
        return verifyVersion({ pool, definitions, name, version });
    }
  })();
  return result as VerbResults[V];
};
