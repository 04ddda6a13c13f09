import type pg from 'pg';
import { contractsDecoder, createIndexes, replayProjection } from '../../src/projections/index.ts';
import { setVersionState } from '../../src/registry/index.ts';
import { type ProjectionDefinition } from '../../src/definitions/index.ts';
import { contractRegistry } from '../../events/index.ts';
import type { ExampleLog } from './produceExampleLog.ts';

/** Builds one version from the whole example log (replay, indexes) and marks it caught up, ready to activate. */
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
  await createIndexes({ db: pool, definition });
  await setVersionState({
    db: pool,
    name: definition.name,
    version: definition.version,
    state: { status: 'catching-up' },
  });
};
