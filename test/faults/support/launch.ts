import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { faultEnv, logsDir } from './faultEnv.ts';

export type Line = { event: string; at: number; [field: string]: unknown };

export type Launched = {
  readonly child: ChildProcess;
  readonly label: string;
  /** JSON lines the process printed on stdout (when `json`), in order. */
  readonly lines: Line[];
  readonly exited: Promise<unknown>;
  readonly alive: () => boolean;
  waitFor(test: (line: Line) => boolean, timeoutMs: number): Promise<Line>;
  kill(signal: NodeJS.Signals): Promise<void>;
};

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
  const log = createWriteStream(join(logsDir, `${options.label}.log`), { flags: 'a' });
  const child = spawn(faultEnv.node, [options.script, ...(options.args ?? [])], {
    cwd: faultEnv.root,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  const waiters = new Set<() => void>();
  child.stderr?.pipe(log, { end: false });
  if (options.json && child.stdout !== null)
    createInterface({ input: child.stdout }).on('line', (text) => {
      try {
        lines.push(JSON.parse(text) as Line);
      } catch {
        log.write(`${text}\n`);
      }
      for (const wake of waiters) wake();
    });
  else child.stdout?.pipe(log, { end: false });
  const exited = once(child, 'exit');
  const alive = () => child.exitCode === null && child.signalCode === null;
  const waitFor = async (test: (line: Line) => boolean, timeoutMs: number): Promise<Line> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find(test);
      if (found !== undefined) return found;
      if (!alive()) throw new Error(`${options.label} exited (${child.exitCode ?? child.signalCode})`);
      if (Date.now() > deadline)
        throw new Error(`${options.label}: no such line in time; saw ${JSON.stringify(lines.slice(-3))}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
        setTimeout(wake, 100);
      });
    }
  };
  const kill = async (signal: NodeJS.Signals) => {
    if (alive()) child.kill(signal);
    await exited;
  };
  return { child, label: options.label, lines, exited, alive, waitFor, kill };
};
