import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { waitableList } from './waitableList.ts';

export type Launched<L> = {
  readonly child: ChildProcess;
  readonly label: string;
  /** The JSON lines the process printed on stdout (when `json`), in order. */
  readonly lines: L[];
  readonly exited: Promise<unknown>;
  readonly alive: () => boolean;
  /** The first line (past or future) that passes `test`; fails when the process exits first. */
  waitFor(test: (line: L) => boolean, timeoutMs: number): Promise<L>;
  /** Sends `signal` unless the process is gone, and waits for it to exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
};

/**
 * A node script of the project in a process of its own (a projector, an engine, a server to
 * kill). With `json` its stdout is read as one JSON line an event; other stdout lines, and its
 * stderr, go to `log` (this process's stderr when none is given).
 */
export const launchNode = <L>(options: {
  label: string;
  script: string;
  args?: readonly string[];
  env: Record<string, string>;
  json: boolean;
  log?: Writable;
  node?: string;
  cwd?: string;
}): Launched<L> => {
  const log = options.log ?? process.stderr;
  const child = spawn(options.node ?? 'node_modules/.bin/node', [options.script, ...(options.args ?? [])], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  const lines = waitableList<L>({
    describeMiss: (seen) => `${options.label}: no such line in time; saw ${JSON.stringify(seen.slice(-5))}`,
    giveUp: () => (alive() ? undefined : `${options.label} exited (${child.exitCode ?? child.signalCode})`),
  });
  child.stderr.pipe(log, { end: false });
  if (options.json)
    createInterface({ input: child.stdout }).on('line', (text) => {
      try {
        lines.push(JSON.parse(text) as L);
      } catch {
        log.write(`${text}\n`);
      }
    });
  else child.stdout.pipe(log, { end: false });
  const exited = once(child, 'exit');
  const kill = async (signal: NodeJS.Signals) => {
    if (alive()) child.kill(signal);
    await exited;
  };
  return { child, label: options.label, lines: lines.items, exited, alive, waitFor: lines.waitFor, kill };
};
