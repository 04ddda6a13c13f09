import type { AddressInfo } from 'node:net';
import { startProjectionist, type Running } from '../../../src/main.ts';
import { testEnv } from '../../harness/testEnv.ts';
import { useTestDatabase } from '../../harness/testServices.ts';

/**
 * A Projectionist as an operator meets it: the engine (nothing built until asked), the HTTP app
 * behind an admin token listening on a free port, no command workers or reactors; its own
 * database and topics. `maxEvents` makes a build commit often, so its progress is seen moving;
 * `maxRows` makes it evict and load rows again, so it lasts long enough to watch.
 */
export const startOperated = async (options: {
  token: string;
  maxEvents?: number;
  maxRows?: number;
  env?: Record<string, string>;
  /** How often the live feed polls the registry. Default the feed's (2,000 ms). */
  feedPollMs?: number;
}): Promise<{ running: Running; base: string }> => {
  const running = await startProjectionist({
    env: testEnv(await useTestDatabase(), undefined, {
      PROJECTIONIST_ADMIN_TOKEN: options.token,
      PROJECTIONIST_AUTO_REBUILD: 'false',
      PROJECTIONIST_HTTP_PORT: '0',
      ...options.env,
    }),
    engine: true,
    engineOptions: {
      pollMs: 200,
      limits: {
        ...(options.maxEvents === undefined ? {} : { maxEvents: options.maxEvents }),
        ...(options.maxRows === undefined ? {} : { maxRows: options.maxRows }),
      },
    },
    workers: false,
    reactors: [],
    ...(options.feedPollMs === undefined ? {} : { adminFeed: { pollMs: options.feedPollMs } }),
  });
  const port = (running.app!.server.address() as AddressInfo).port;
  return { running, base: `http://127.0.0.1:${port}` };
};
