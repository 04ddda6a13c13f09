import { spawn } from 'node:child_process';
import { once } from 'node:events';

export type CliRun = { code: number | null; stdout: string; stderr: string };

/** `projectionist <args>` in a process of its own, as an operator runs it; answers its exit code and output. */
export const runCli = async (
  args: readonly string[],
  env: Record<string, string>,
  options: { timeoutMs?: number; interruptAfterLines?: number } = {},
): Promise<CliRun> => {
  const child = spawn('node_modules/.bin/node', ['src/cli/main.ts', ...args], {
    // At level info, so that a log line on stdout would show.
    env: { ...process.env, ...env, PROJECTIONIST_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let interrupted = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    // One ^C, as an operator stops a --follow (a second would kill it outright).
    const lines = stdout.split('\n').length - 1;
    if (!interrupted && options.interruptAfterLines !== undefined && lines >= options.interruptAfterLines) {
      interrupted = true;
      child.kill('SIGINT');
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
};
