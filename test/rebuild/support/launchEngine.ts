import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { kafkaBrokers } from '../../harness/testServices.ts';

export type Line = {
  event: string;
  version?: number;
  total?: string;
  from?: string;
  resumed?: boolean;
  target?: Record<string, string>;
  applied?: string;
  at?: string;
  message?: string;
  fromVersion?: number | null;
  to?: number;
  actor?: string;
  code?: string;
};

/** An engine process (fixtures/engineProcess.ts): its output lines as they come, and a way to wait for one. */
export const launchEngine = (options: {
  prefix: string;
  databaseUrl: string;
  holder: string;
  versions: string;
  leaseTtlMs: number;
  /** The row cache bound: a flush (and a progress line) every this many rows. */
  maxRows: number;
  /** The engine's cutover policy (default manual) and its automatic cutovers' lock options. */
  policy?: 'auto' | 'manual';
  lockTimeoutMs?: number;
  maxWaitMs?: number;
  autoCutoverRetryMs?: number;
}) => {
  const child: ChildProcess = spawn('node_modules/.bin/node', ['test/rebuild/fixtures/engineProcess.ts'], {
    env: {
      ...process.env,
      PJ_BROKERS: kafkaBrokers().join(','),
      PJ_PREFIX: options.prefix,
      PJ_DATABASE_URL: options.databaseUrl,
      PJ_HOLDER: options.holder,
      PJ_VERSIONS: options.versions,
      PJ_LEASE_TTL_MS: String(options.leaseTtlMs),
      PJ_MAX_ROWS: String(options.maxRows),
      PJ_POLICY: options.policy ?? 'manual',
      PJ_LOCK_TIMEOUT_MS: options.lockTimeoutMs === undefined ? '' : String(options.lockTimeoutMs),
      PJ_MAX_WAIT_MS: options.maxWaitMs === undefined ? '' : String(options.maxWaitMs),
      PJ_AUTO_CUTOVER_RETRY_MS:
        options.autoCutoverRetryMs === undefined ? '' : String(options.autoCutoverRetryMs),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Line[] = [];
  const waiters: (() => void)[] = [];
  if (child.stdout !== null)
    createInterface({ input: child.stdout }).on('line', (text) => {
      lines.push(JSON.parse(text) as Line);
      for (const wake of waiters.splice(0)) wake();
    });
  const exited = once(child, 'exit');
  const waitFor = async (test: (line: Line) => boolean, timeoutMs: number): Promise<Line> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find(test);
      if (found !== undefined) return found;
      if (Date.now() > deadline)
        throw new Error(`${options.holder}: no such line in time; saw ${JSON.stringify(lines.slice(-5))}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  };
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { child, lines, waitFor, kill, holder: options.holder };
};
