import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { faultEnv } from './faultEnv.ts';

/** Runs a command to its end; rejects with its output when it fails. */
const run = (
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
  cwd: string = faultEnv.root,
) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${out.trim()}`)),
    );
  });

const brokerEnv = () => ({
  PROJECTIONIST_KAFKA_PORT: (faultEnv.brokers[0] ?? '').split(':')[1] ?? '29092',
  PROJECTIONIST_KAFKA_CONTROLLER_PORT: faultEnv.controllerPort,
  PROJECTIONIST_SERVICES_DIR: join(faultEnv.dir, 'services'),
  PROJECTIONIST_PG_ADMIN_URL: faultEnv.pgAdminUrl,
});

/** The suite's own broker (scripts/services on its own ports and folder), stopped or started. */
export const stopBroker = () => run('bash', ['scripts/services', 'stop'], brokerEnv());
export const startBroker = () => run('bash', ['scripts/services', 'start'], brokerEnv());

/** pg_ctl on the suite's own cluster, as its owner (PostgreSQL refuses to run as root). */
const pgCtl = (args: readonly string[]) => {
  const full = [faultEnv.pgCtl, '-D', faultEnv.pgData, '-l', join(faultEnv.pgData, 'log'), ...args];
  return process.getuid?.() === 0
    ? // From /: the postgres user may not be able to enter the clone's folder.
      run('runuser', ['-u', 'postgres', '--', ...full], {}, '/')
    : run(full[0] ?? '', full.slice(1));
};

/** Stops the suite's PostgreSQL at once (fast: open transactions are rolled back). */
export const stopPostgres = () => pgCtl(['-m', 'fast', '-w', 'stop']);
export const startPostgres = () => pgCtl(['-w', '-t', '60', 'start']);
