import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PeerFigures } from './PeerFigures.ts';

/** A child that runs longer has hung (a broker gone from under a replay waits for it forever). */
const childTimeoutMs = 20 * 60_000;

/**
 * Runs one of the peers' child scripts (bench/lib/peers/<script>) in a node process of its own,
 * with `nodeFlags` before the script (--cpu-prof), and answers the last line it printed, parsed.
 * Its stderr passes through. A child still running after 20 minutes is killed and fails the run.
 */
export const runPeerChild = (
  script: string,
  args: readonly string[],
  nodeFlags: readonly string[] = [],
): Promise<PeerFigures> =>
  new Promise((resolve, reject) => {
    const path = fileURLToPath(new URL(`./${script}`, import.meta.url));
    const child = spawn(process.execPath, [...nodeFlags, path, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const watchdog = setTimeout(() => child.kill('SIGKILL'), childTimeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(watchdog);
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || last === '')
        reject(new Error(`${script} ${args.join(' ')} exited with ${code ?? signal}`));
      else resolve(JSON.parse(last) as PeerFigures);
    });
  });
