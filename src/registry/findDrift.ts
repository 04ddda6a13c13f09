import type pg from 'pg';
import type { ProjectionDefinition, TablesSpec } from '../definitions/index.ts';

/** A version whose stored definition hash is not its code's: its rows came from other code. */
export type DefinitionDrift = {
  readonly name: string;
  readonly version: number;
  readonly storedHash: string;
  readonly codeHash: string;
  readonly advice: string;
};

export const driftOf = (
  definition: ProjectionDefinition<TablesSpec>,
  storedHash: string,
): DefinitionDrift | undefined =>
  storedHash === definition.hash
    ? undefined
    : {
        name: definition.name,
        version: definition.version,
        storedHash,
        codeHash: definition.hash,
        advice:
          `${definition.name} v${definition.version} was built from different code: bump the version ` +
          `(v${definition.version + 1}) so it is rebuilt beside v${definition.version}`,
      };

/**
 * Every registered, not retired version among `definitions` whose code changed since it was
 * registered. Each comes with the advice to bump the version.
 */
export const findDrift = async (options: {
  pool: pg.Pool;
  definitions: readonly ProjectionDefinition<TablesSpec>[];
}): Promise<DefinitionDrift[]> => {
  const { pool, definitions } = options;
  if (definitions.length === 0) return [];
  const stored = await pool.query<{ name: string; version: number; definition_hash: string }>(
    `select name, version, definition_hash from projectionist.versions
     where status <> 'retired' and (name, version) in (select * from unnest($1::text[], $2::int[]))`,
    [definitions.map((d) => d.name), definitions.map((d) => d.version)],
  );
  const hashes = new Map(stored.rows.map((r) => [`${r.name}\u0000${r.version}`, r.definition_hash]));
  return definitions.flatMap((d) => {
    const storedHash = hashes.get(`${d.name}\u0000${d.version}`);
    const drift = storedHash === undefined ? undefined : driftOf(d, storedHash);
    return drift === undefined ? [] : [drift];
  });
};
