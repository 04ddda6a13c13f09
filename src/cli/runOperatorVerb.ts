import { userInfo } from 'node:os';
import type { Running } from '../main.ts';
import type { ProjectionDefinition } from '../definitions/index.ts';
import {
  cancelRebuild,
  cutover,
  pauseVersion,
  requestRebuild,
  resumeVersion,
  retire,
  rollback,
  verifyVersion,
} from '../rebuild/index.ts';
import { exitCodes } from './exitCodes.ts';
import { formatTable } from './formatTable.ts';

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

const actor = () => `cli:${userInfo().username}`;

/**
 * The operator verbs on one projection version. Each works against the registry; the process
 * running the engine picks the change up. Refusals throw (the CLI maps them to exit code 3).
 */
export const runOperatorVerb = async (options: {
  running: Running;
  definitions: readonly ProjectionDefinition[];
  verb: OperatorVerb;
  name: string;
  version: number | undefined;
  fromScratch: boolean;
  json: boolean;
  print: (line: string) => void;
}): Promise<number> => {
  const { running, definitions, name, print, json } = options;
  const { pool, log: client } = running;
  const out = (value: unknown, text: string) =>
    print(
      json ? JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) : text,
    );
  if (options.verb === 'rollback') {
    const result = await rollback({ pool, client, definitions, name, actor: actor() });
    out(result, `${name}: rolled back from v${result.from} to v${result.to} in ${result.tookMs} ms`);
    return exitCodes.ok;
  }
  const version = options.version;
  if (version === undefined) {
    print(
      `projectionist ${options.verb}: a version is needed: projectionist ${options.verb} <projection> <version>`,
    );
    return exitCodes.usage;
  }
  switch (options.verb) {
    case 'rebuild': {
      const request = await requestRebuild({
        pool,
        name,
        version,
        fromScratch: options.fromScratch,
        actor: actor(),
      });
      out(
        request,
        `${name} v${version}: rebuild requested${options.fromScratch ? ' from scratch' : ' (resumes from its checkpoints)'}`,
      );
      return exitCodes.ok;
    }
    case 'cutover': {
      const result = await cutover({ pool, client, definitions, name, version, actor: actor() });
      out(
        result,
        `${name}: reads now served by v${result.to} (was v${result.from ?? '-'}), switched in ${result.tookMs} ms`,
      );
      return exitCodes.ok;
    }
    case 'retire': {
      const result = await retire({ pool, name, version, actor: actor() });
      out(result, `${name} v${version}: retired, its schema dropped`);
      return exitCodes.ok;
    }
    case 'pause':
      await pauseVersion({ pool, name, version, actor: actor() });
      out({ name, version, paused: true }, `${name} v${version}: paused`);
      return exitCodes.ok;
    case 'resume':
      await resumeVersion({ pool, name, version, actor: actor() });
      out({ name, version, paused: false }, `${name} v${version}: resumed`);
      return exitCodes.ok;
    case 'cancel':
      await cancelRebuild({ pool, name, version, actor: actor() });
      out(
        { name, version, cancelled: true },
        `${name} v${version}: rebuild cancelled (its checkpoints are kept; rebuild resumes it)`,
      );
      return exitCodes.ok;
    case 'verify': {
      const verification = await verifyVersion({ pool, definitions, name, version });
      out(
        verification,
        `${name} v${version}: checks ${verification.passed ? 'passed' : 'FAILED'}\n` +
          formatTable(
            ['check', 'expected', 'actual', 'ok'],
            verification.results.map((r) => [
              r.check,
              String(r.expected ?? '-'),
              String(r.actual ?? '-'),
              r.ok ? 'yes' : 'NO',
            ]),
          ),
      );
      return verification.passed ? exitCodes.ok : exitCodes.refused;
    }
  }
};
