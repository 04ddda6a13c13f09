import type { Statement } from '../db/index.ts';
import type { OffsetVector } from '../log/index.ts';

type CheckpointOptions = {
  name: string;
  version: number;
  positions: OffsetVector;
  progress?: Readonly<Record<string, unknown>>;
};

/**
 * The statement that stores positions, for the transaction that also writes the rows they cover
 * (flushBatch sends it with its commit). With `progress`, the version's progress (as
 * writeProgress) is replaced by the same statement: one round trip for both. Undefined when
 * there are no positions.
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
