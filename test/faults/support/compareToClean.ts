import type pg from 'pg';
import { contractRegistry } from '../../../events/index.ts';
import type { LogClient, OffsetVector } from '../../../src/log/index.ts';
import { contractsDecoder, replayProjection } from '../../../src/projections/index.ts';
import { defineProjection, type ProjectionDefinition } from '../../../src/definitions/index.ts';
import { tableChecksums } from '../../projections/support/tableChecksum.ts';

/** The same tables and handlers as another version number, without checks: a clean build beside it. */
const cloneAs = (definition: ProjectionDefinition, version: number): ProjectionDefinition =>
  defineProjection({
    name: definition.name,
    version,
    tables: definition.tables,
    handlers: definition.handlers,
  });

export type TableDiff = {
  readonly version: string;
  readonly table: string;
  /** Rows of the clean build that the version lacks (or holds with other values). */
  readonly missing: number;
  /** Rows of the version that the clean build lacks (an event applied twice, or a wrong value). */
  readonly extra: number;
  readonly checksum: string;
  readonly clean: string;
};

const count = async (pool: pg.Pool, a: string, b: string) =>
  Number(
    (
      await pool.query<{ n: string }>(
        `select count(*)::text as n from (select t::text from ${a} t except all select t::text from ${b} t) d`,
      )
    ).rows[0]?.n ?? '0',
  );

/**
 * Builds each definition again from scratch in this process (as version 900 + its number, in
 * the same database, up to `until`) and compares every table row by row (as text) and by its
 * checksum (md5 of all rows in key order) with the version that went through the faults.
 */
export const compareToClean = async (options: {
  pool: pg.Pool;
  client: LogClient;
  definitions: readonly ProjectionDefinition[];
  until: OffsetVector;
}): Promise<TableDiff[]> => {
  const { pool, client, until } = options;
  const diffs: TableDiff[] = [];
  for (const definition of options.definitions) {
    const clean = cloneAs(definition, 900 + definition.version);
    const result = await replayProjection({
      pool,
      client,
      definition: clean,
      decode: contractsDecoder(contractRegistry),
      until,
    });
    if (result.status !== 'reached') throw new Error(`the clean build of ${definition.name} did not finish`);
    const built = await tableChecksums(pool, definition);
    const reference = await tableChecksums(pool, clean);
    for (const table of definition.model.tables.values()) {
      const twin = clean.model.tables.get(table.name);
      if (twin === undefined) continue;
      diffs.push({
        version: `${definition.name} v${definition.version}`,
        table: table.name,
        missing: await count(pool, twin.qualified, table.qualified),
        extra: await count(pool, table.qualified, twin.qualified),
        checksum: built[table.name] ?? '?',
        clean: reference[table.name] ?? '?',
      });
    }
  }
  return diffs;
};
