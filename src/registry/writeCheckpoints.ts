import type pg from 'pg';
import type { OffsetVector } from '../log/index.ts';

type Db = pg.Pool | pg.PoolClient;

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
