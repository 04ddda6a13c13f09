import type pg from 'pg';
import type { LogClient } from '../log/index.ts';
import type { Logger } from '../logger/index.ts';
import type { CommandCatalog } from './CommandCatalog.ts';
import { CommandStateRecorder } from './CommandStateRecorder.ts';
import { CommandWorker } from './CommandWorker.ts';
import type { CommandStore } from './commandStore.ts';

export type CommandSide = {
  /** Drains the workers (the batch in hand commits), then stops the state writer. */
  stop(): Promise<void>;
};

/** Starts what decides commands in this process: the command-state writer and the workers. */
export const startCommandSide = async (options: {
  pool: pg.Pool;
  log: LogClient;
  store: CommandStore;
  catalog: CommandCatalog;
  logger: Logger;
  sessionTimeoutMs: number;
}): Promise<CommandSide> => {
  const { log, store, catalog, logger } = options;
  const recorder = new CommandStateRecorder({ client: log, store, catalog, logger });
  await recorder.start();
  const worker = new CommandWorker({
    client: log,
    store,
    catalog,
    recorder,
    logger,
    sessionTimeoutMs: options.sessionTimeoutMs,
  });
  try {
    await worker.start();
  } catch (error) {
    await recorder.stop();
    throw error;
  }
  return {
    stop: async () => {
      await worker.stop();
      await recorder.stop();
    },
  };
};
