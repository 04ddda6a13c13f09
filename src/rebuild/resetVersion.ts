import type pg from 'pg';
import { ProjectionistError } from '../errors/index.ts';
import { runStatement } from '../db/index.ts';
import { type ProjectionDefinition } from '../definitions/index.ts';
import {
  deleteCheckpoints,
  forgetShadowReads,
  type Lease,
  inFencedTransaction,
  writeProgress,
  writeRebuild,
} from '../registry/index.ts';
import { dropSchemaStatement } from './dropSchemaStatement.ts';
import { lockVersion } from './lockVersion.ts';

/**
 * Empties a version for a build from scratch, under its lease: drops its schema (tables and
 * indexes; the build makes them bare again), deletes its checkpoints and forgets the previous
 * build's target, progress and shadow reads, in one transaction. Refuses the active version, whose tables the
 * stable views read (PRJ_VERSION_STATE).
 */
export const resetVersion = async (options: {
  pool: pg.Pool;
  lease: Lease;
  definition: ProjectionDefinition;
}): Promise<void> => {
  const { pool, lease, definition } = options;
  const { name, version } = definition;
  await inFencedTransaction(pool, lease, async (client) => {
    const { active } = await lockVersion(client, name, version);
    if (active)
      throw new ProjectionistError(
        'PRJ_VERSION_STATE',
        `${name} v${version} serves reads; it cannot be emptied`,
        {
          details: { name, version },
        },
      );
    await runStatement(client, dropSchemaStatement(name, version));
    await deleteCheckpoints({ db: client, name, version });
    await forgetShadowReads({ db: client, name, version });
    await writeProgress({ db: client, name, version, progress: {} });
    await writeRebuild({
      db: client,
      name,
      version,
      fields: {
        from_scratch: false,
        target: null,
        target_total: null,
        started_at: null,
        phase: null,
        applied: '0',
        positions: null,
        rate: null,
        eta_ms: null,
        built_at: null,
        caught_up_at: null,
        verification: null,
      },
    });
  });
};
