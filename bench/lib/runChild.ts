import { spawn } from 'node:child_process';

/**
 * Runs a bench script in a node process of its own (the same node, the same flags) and answers
 * the last line it printed, parsed as JSON. Its stderr passes through.
 */
export const runChild = <T>(
  script: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<T> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || last === '') reject(new Error(`${script} exited with code ${code}`));
      else resolve(JSON.parse(last) as T);
    });
  });
