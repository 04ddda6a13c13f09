import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchNode, type Launched as LaunchedNode } from '../../harness/launchNode.ts';
import { faultEnv, logsDir } from './faultEnv.ts';

export type Line = { event: string; [field: string]: unknown };

export type Launched = LaunchedNode<Line>;

/**
 * A node process of the project (a script with arguments), with its stderr (and its stdout,
 * unless it prints JSON lines for the suite) appended to `.services/faults/logs/<label>.log`.
 */
export const launch = (options: {
  label: string;
  script: string;
  args?: readonly string[];
  env: Record<string, string>;
  json: boolean;
}): Launched => {
  mkdirSync(logsDir, { recursive: true });
  return launchNode<Line>({
    ...options,
    log: createWriteStream(join(logsDir, `${options.label}.log`), { flags: 'a' }),
    node: faultEnv.node,
    cwd: faultEnv.root,
  });
};
