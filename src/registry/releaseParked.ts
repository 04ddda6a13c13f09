import type pg from 'pg';
import type { Position } from '../log/index.ts';

/** Removes parked events a retry applied, in the transaction that writes their rows. One statement. */
export const releaseParked = async (options: {
  db: pg.PoolClient;
  name: string;
  version: number;
  released: readonly Position[];
}): Promise<void> => {
  const { db, name, version, released } = options;
  if (released.length === 0) return;
  await db.query(
    `delete from projectionist.parked as p
     using unnest($3::int[], $4::bigint[]) as u(partition, record_offset)
     where p.name = $1 and p.version = $2 and p.partition = u.partition and p.record_offset = u.record_offset`,
    [name, version, released.map((p) => p.partition), released.map((p) => p.offset.toString())],
  );
};
