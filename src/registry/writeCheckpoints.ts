import type pg from 'pg';
import type { Statement } from '../db/index.ts';
import type { OffsetVector } from '../log/index.ts';
import { writeProgress } from './writeProgress.ts';

type Db = pg.Pool | pg.PoolClient;

type CheckpointOptions = {
  name: string;
  version: number;
  positions: OffsetVector;
  progress?: Readonly<Record<string, unknown>>;
};

/**
 * The statement that stores positions (and, with `progress`, replaces the version's progress in
 * the same statement); undefined when there are no positions (see writeCheckpoints).
 */
export const checkpointsStatement = (options: CheckpointOptions): Statement | undefined => {
  const { name, version, positions, progress } = options;
  if (positions.size === 0) return undefined;
  const entries = [...positions];
  const values = [name, version, entries.map(([p]) => p), entries.map(([, o]) => o.toString())];
  const upsert = `insert into projectionist.checkpoints (name, version, partition, next_offset)
     select $1, $2, p, o from unnest($3::int[], $4::bigint[]) as u(p, o)
     on conflict (name, version, partition) do update set next_offset = excluded.next_offset, updated_at = now()`;
  if (progress === undefined) return { text: upsert, values };
  // A data-modifying WITH runs once whether or not the outer statement reads it.
  return {
    text: `with checkpoints as (${upsert})
     update projectionist.versions set progress = $5::jsonb where name = $1 and version = $2`,
    values: [...values, JSON.stringify(progress)],
  };
};

/**
 * Stores positions; meant for the transaction that also writes the rows they cover. With
 * `progress`, the version's progress (as writeProgress) is replaced by the same statement: a
 * flush makes one round trip for both, not two.
 */
export const writeCheckpoints = async (options: CheckpointOptions & { db: Db }): Promise<void> => {
  const statement = checkpointsStatement(options);
  if (statement === undefined) {
    if (options.progress !== undefined) await writeProgress({ ...options, progress: options.progress });
    return;
  }
  await options.db.query(statement.text, [...statement.values]);
};
