import type pg from 'pg';
import type { OffsetVector } from '../log/index.ts';
import { writeProgress } from './writeProgress.ts';

type Db = pg.Pool | pg.PoolClient;

/**
 * Stores positions; meant for the transaction that also writes the rows they cover. With
 * `progress`, the version's progress (as writeProgress) is replaced by the same statement: a
 * flush makes one round trip for both, not two.
 */
export const writeCheckpoints = async (options: {
  db: Db;
  name: string;
  version: number;
  positions: OffsetVector;
  progress?: Readonly<Record<string, unknown>>;
}): Promise<void> => {
  const { db, name, version, positions, progress } = options;
  if (positions.size === 0) {
    if (progress !== undefined) await writeProgress({ db, name, version, progress });
    return;
  }
  const entries = [...positions];
  const params = [name, version, entries.map(([p]) => p), entries.map(([, o]) => o.toString())];
  const upsert = `insert into projectionist.checkpoints (name, version, partition, next_offset)
     select $1, $2, p, o from unnest($3::int[], $4::bigint[]) as u(p, o)
     on conflict (name, version, partition) do update set next_offset = excluded.next_offset, updated_at = now()`;
  if (progress === undefined) {
    await db.query(upsert, params);
    return;
  }
  // A data-modifying WITH runs once whether or not the outer statement reads it.
  await db.query(
    `with checkpoints as (${upsert})
     update projectionist.versions set progress = $5 where name = $1 and version = $2`,
    [...params, JSON.stringify(progress)],
  );
};
