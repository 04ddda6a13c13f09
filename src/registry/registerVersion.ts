import type pg from 'pg';
import { ProjectionistError } from '../errors/index.ts';
import { inTransaction } from '../db/index.ts';
import type { ProjectionDefinition, TablesSpec } from '../definitions/index.ts';
import { driftOf, type DefinitionDrift } from './findDrift.ts';

/**
 * Records a projection version in the registry (status building) unless it is there already.
 * Answers whether it was new and, for a known version, whether its code drifted.
 * Throws PRJ_PROJECTION_INVALID when another projection already uses the same schema name.
 */
export const registerVersion = async (options: {
  pool: pg.Pool;
  definition: ProjectionDefinition<TablesSpec>;
}): Promise<{ created: boolean; drift: DefinitionDrift | undefined }> => {
  const { pool, definition } = options;
  const { name, version, hash, model } = definition;
  try {
    return await inTransaction(pool, async (client) => {
      // Processes starting at once register the same projection at once: ON CONFLICT (name)
      // covers only its own index, so the second insert would fail on the schema name's instead
      // (23505, read below as another projection's schema). One at a time per name, the second
      // sees the first's row.
      await client.query(
        `select pg_advisory_xact_lock(hashtextextended('projectionist.projections:' || $1, 0))`,
        [name],
      );
      await client.query(
        `insert into projectionist.projections (name, schema_name) values ($1, $2) on conflict (name) do nothing`,
        [name, model.stableSchema],
      );
      const inserted = await client.query(
        `insert into projectionist.versions (name, version, definition_hash) values ($1, $2, $3)
         on conflict (name, version) do nothing`,
        [name, version, hash],
      );
      if (inserted.rowCount === 1) return { created: true, drift: undefined };
      const stored = await client.query<{ definition_hash: string }>(
        `select definition_hash from projectionist.versions where name = $1 and version = $2`,
        [name, version],
      );
      return { created: false, drift: driftOf(definition, stored.rows[0]?.definition_hash ?? hash) };
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505')
      throw new ProjectionistError(
        'PRJ_PROJECTION_INVALID',
        `${name}: its schema "${model.stableSchema}" is already used by another projection; rename it`,
        { cause: error },
      );
    throw error;
  }
};
