import { afterEach, beforeAll } from 'vitest';
import { startProjectionist, type Running, type StartOptions } from '../../src/main.ts';
import { testEnv } from './testEnv.ts';
import { useTestDatabase } from './testServices.ts';

/**
 * Whole Projectionists for the tests of a file, set up by hooks of the calling scope: one
 * database of the file's own, made before its tests; `env` is a Projectionist's environment on
 * it (a fresh topic prefix unless one is given); every one `start` runs is stopped after its test.
 */
export const useProjectionists = () => {
  let databaseUrl: string | undefined;
  const running: Running[] = [];
  beforeAll(async () => {
    databaseUrl = await useTestDatabase();
  });
  afterEach(async () => {
    for (const r of running.splice(0)) await r.stop();
  });
  const url = () => {
    if (databaseUrl === undefined)
      throw new Error('the database is made before the tests, not during collection');
    return databaseUrl;
  };
  return {
    get databaseUrl() {
      return url();
    },
    env: (prefix?: string, extra: Record<string, string> = {}) => testEnv(url(), prefix, extra),
    start: async (options: StartOptions): Promise<Running> => {
      const r = await startProjectionist(options);
      running.push(r);
      return r;
    },
  };
};
