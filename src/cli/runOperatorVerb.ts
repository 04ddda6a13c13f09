import { userInfo } from 'node:os';
import type { Running } from '../main.ts';
import type { ProjectionDefinition } from '../definitions/index.ts';
import { runVerb, type OperatorVerb, type VerbResults } from '../rebuild/index.ts';
import { exitCodes } from './exitCodes.ts';
import { formatChecks } from './formatChecks.ts';

/** How each verb's answer reads in a terminal. */
const describe: { [V in OperatorVerb]: (result: VerbResults[V], fromScratch: boolean) => string } = {
  rebuild: (r, fromScratch) =>
    `${r.name} v${r.version}: rebuild requested${fromScratch ? ' from scratch' : ' (resumes from its checkpoints)'}`,
  cutover: (r) =>
    `${r.name}: reads now served by v${r.to} (was v${r.from ?? '-'}), switched in ${r.tookMs} ms`,
  rollback: (r) => `${r.name}: rolled back from v${r.from} to v${r.to} in ${r.tookMs} ms`,
  retire: (r) => `${r.name} v${r.version}: retired, its schema dropped`,
  pause: (r) => `${r.name} v${r.version}: paused`,
  resume: (r) => `${r.name} v${r.version}: resumed`,
  cancel: (r) => `${r.name} v${r.version}: rebuild cancelled (its checkpoints are kept; rebuild resumes it)`,
  verify: (r) =>
    r.outcome === 'unverified'
      ? `${r.name} v${r.version}: unverified (it declares no checks; a cutover of it needs --unverified)`
      : `${r.name} v${r.version}: checks ${r.passed ? 'passed' : 'FAILED'}\n${formatChecks(r)}`,
};

/**
 * An operator verb from the command line, through the same runVerb as the admin API. Refusals
 * throw (the CLI maps them to exit code 3); a failed verification exits 3 too, and so does an
 * unverified one while another version is active (its cutover would be refused).
 */
export const runOperatorVerb = async (options: {
  running: Running;
  definitions: readonly ProjectionDefinition[];
  verb: OperatorVerb;
  name: string;
  version: number | undefined;
  fromScratch: boolean;
  /** cutover --unverified: a version that declares no checks may take over. */
  unverified?: boolean;
  json: boolean;
  print: (line: string) => void;
}): Promise<number> => {
  const { running, definitions, name, version, verb, print } = options;
  if (verb !== 'rollback' && version === undefined) {
    print(`projectionist ${verb}: a version is needed: projectionist ${verb} <projection> <version>`);
    return exitCodes.usage;
  }
  const context = {
    pool: running.pool,
    client: running.log,
    definitions,
    actor: `cli:${userInfo().username}`,
  };
  const result = await runVerb(context, verb, {
    name,
    version,
    fromScratch: options.fromScratch,
    unverified: options.unverified ?? false,
  });
  print(
    options.json
      ? JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
      : (describe[verb] as (r: typeof result, fromScratch: boolean) => string)(result, options.fromScratch),
  );
  if (verb !== 'verify') return exitCodes.ok;
  // Exit 3 when a cutover would be refused: a failed check, or nothing declared to compare with an active version.
  const { outcome, against } = result as VerbResults['verify'];
  return outcome === 'failed' || (outcome === 'unverified' && against !== null)
    ? exitCodes.refused
    : exitCodes.ok;
};
