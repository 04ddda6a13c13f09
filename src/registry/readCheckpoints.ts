import type pg from 'pg';
import type { OffsetVector } from '../log/index.ts';

type Db = pg.Pool | pg.PoolClient;

/** The next offset to read per partition, as last committed with the rows. Empty before the first flush. */
export const readCheckpoints = async (options: {
  db: Db;
  name: string;
  version: number;
}): Promise<OffsetVector> => {
  const result = await options.db.query<{ partition: number; next_offset: string }>(
    `select partition, next_offset::text as next_offset from projectionist.checkpoints where name = $1 and version = $2`,
    [options.name, options.version],
  );
  return new Map(result.rows.map((r) => [r.partition, BigInt(r.next_offset)]));
};
