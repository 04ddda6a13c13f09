import type pg from 'pg';
import { engineDefaults } from '../config/index.ts';
import type { Health } from '../health/index.ts';
import type { LogClient } from '../log/index.ts';
import type { Logger } from '../logger/index.ts';
import { Projector, type Emitter, type ProjectorEvents, type ProjectorState } from '../projections/index.ts';
import type { CommandCatalog } from './CommandCatalog.ts';
import type { CommandEvents } from './commandEvents.ts';
import { commandStateDecoder } from './commandStateProjection.ts';
import type { CommandStore } from './commandStore.ts';
import { CommandWorker } from './CommandWorker.ts';

export type CommandSide = {
  /** The command-state projection's state in this process (standing by while another holds its lease). */
  readonly state: () => ProjectorState;
  /** The command-state projection's lifecycle events (its flushes, for the metrics). */
  readonly projectorEvents: Emitter<ProjectorEvents>;
  /** Drains the workers (the batch in hand commits), then stops the state projection. */
  stop(): Promise<void>;
};

/**
 * Starts what decides commands in this process: the command-state projection (one writer across
 * all processes: its lease; the others stand by and take over when it expires) and the workers.
 */
export const startCommandSide = async (options: {
  pool: pg.Pool;
  log: LogClient;
  store: CommandStore;
  catalog: CommandCatalog;
  logger: Logger;
  sessionTimeoutMs: number;
  /** Lease of the command-state projection: how soon another process takes over. Default 10 s. */
  leaseTtlMs?: number;
  /** Where the workers ('command-worker') and the state writer ('command-state') report up and down. */
  health?: Health;
  /** Where the workers tell what they decided. */
  events?: Emitter<CommandEvents>;
}): Promise<CommandSide> => {
  const { pool, log, store, catalog, logger } = options;
  const projector = new Projector({
    pool,
    client: log,
    definition: store.definition,
    decode: commandStateDecoder(catalog),
    leaseTtlMs: options.leaseTtlMs ?? engineDefaults.leases.commandStateTtlMs,
    // Deciders and `GET /commands/:id` wait on it: flush at once when the log is quiet.
    limits: { maxDelayMs: 5 },
    logger,
  });
  const { health } = options;
  if (health !== undefined) {
    const up = () => health.report('command-state', { status: 'up' });
    const down = ({ error }: { error: unknown }) =>
      health.report('command-state', {
        status: 'down',
        reason: error instanceof Error ? error.message : String(error),
      });
    health.report('command-state', { status: 'down', reason: 'starting' });
    // Standing by while another process holds the lease is healthy: that process writes.
    projector.events.on('projector:waiting-for-lease', up);
    projector.events.on('projector:caught-up', up);
    projector.events.on('projector:batch', up);
    projector.events.on('projector:error', down);
    projector.events.on('projector:failed', down);
  }
  await projector.start();
  const worker = new CommandWorker({
    client: log,
    store,
    catalog,
    logger,
    sessionTimeoutMs: options.sessionTimeoutMs,
    ...(health === undefined ? {} : { onHealth: (h) => health.report('command-worker', h) }),
    ...(options.events === undefined ? {} : { events: options.events }),
  });
  try {
    await worker.start();
  } catch (error) {
    await projector.stop();
    throw error;
  }
  return {
    state: () => projector.state,
    projectorEvents: projector.events,
    stop: async () => {
      await worker.stop();
      await projector.stop();
    },
  };
};
