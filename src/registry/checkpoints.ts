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

/** Stores positions; meant for the transaction that also writes the rows they cover. */
export const writeCheckpoints = async (options: {
  db: Db;
  name: string;
  version: number;
  positions: OffsetVector;
}): Promise<void> => {
  const { db, name, version, positions } = options;
  if (positions.size === 0) return;
  const entries = [...positions];
  await db.query(
    `insert into projectionist.checkpoints (name, version, partition, next_offset)
     select $1, $2, p, o from unnest($3::int[], $4::bigint[]) as u(p, o)
     on conflict (name, version, partition) do update set next_offset = excluded.next_offset, updated_at = now()`,
    [name, version, entries.map(([p]) => p), entries.map(([, o]) => o.toString())],
  );
};
