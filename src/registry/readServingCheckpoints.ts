import type pg from 'pg';
import type { OffsetVector } from '../log/index.ts';

type Db = pg.Pool | pg.PoolClient;

/**
 * The version a projection's stable views serve and that version's checkpoints (next offset per
 * partition, committed with its rows), in one statement so that the two agree. Undefined when
 * there is no such projection or it serves no version.
 */
export const readServingCheckpoints = async (options: {
  db: Db;
  projection: string;
}): Promise<{ version: number; checkpoints: OffsetVector } | undefined> => {
  const result = await options.db.query<{
    version: number | null;
    partition: number | null;
    next_offset: string | null;
  }>(
    `select p.active_version as version, c.partition, c.next_offset::text as next_offset
     from projectionist.projections p
     left join projectionist.checkpoints c on c.name = p.name and c.version = p.active_version
     where p.name = $1`,
    [options.projection],
  );
  const version = result.rows[0]?.version ?? null;
  if (version === null) return undefined;
  const checkpoints = new Map<number, bigint>();
  for (const r of result.rows)
    if (r.partition !== null && r.next_offset !== null) checkpoints.set(r.partition, BigInt(r.next_offset));
  return { version, checkpoints };
};
