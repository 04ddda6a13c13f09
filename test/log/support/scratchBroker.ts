import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const freePort = async (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });

export type ScratchBroker = {
  readonly brokers: string[];
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it and wipes its storage. */
  destroy(): Promise<void>;
};

/**
 * A broker of the test's own, formatted fresh in a temporary folder on free ports, through the
 * project's scripts/services (the shared broker on 9092 is never touched).
 */
export const scratchBroker = async (): Promise<ScratchBroker> => {
  const [port, controllerPort] = [await freePort(), await freePort()];
  const dir = join(tmpdir(), `pj-scratch-${port}`);
  const env = {
    ...process.env,
    PROJECTIONIST_KAFKA_PORT: String(port),
    PROJECTIONIST_KAFKA_CONTROLLER_PORT: String(controllerPort),
    PROJECTIONIST_SERVICES_DIR: dir,
  };
  const services = (verb: string) => run('bash', ['scripts/services', verb], { env, timeout: 180_000 });
  return {
    brokers: [`127.0.0.1:${port}`],
    start: async () => void (await services('start')),
    stop: async () => void (await services('stop')),
    destroy: async () => {
      await services('stop').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
};
