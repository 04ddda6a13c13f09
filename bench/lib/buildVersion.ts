import type pg from 'pg';
import { contractsDecoder, replayProjection } from '../../src/projections/index.ts';
import { type ProjectionDefinition } from '../../src/definitions/index.ts';
import { contractRegistry } from '../../events/index.ts';
import type { ExampleLog } from './produceExampleLog.ts';

/**
 * Builds one version from the whole example log through the one run path (replay into bare
 * tables, indexes, catching-up), ready to activate. The registry must be migrated.
 */
export const buildVersion = async (
  log: ExampleLog,
  pool: pg.Pool,
  definition: ProjectionDefinition,
): Promise<void> => {
  await replayProjection({
    pool,
    client: log.client,
    definition,
    decode: contractsDecoder(contractRegistry),
    until: log.end,
  });
};
