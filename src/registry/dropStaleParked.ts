import type pg from 'pg';

/**
 * Forgets parked events that the version's checkpoints are not past: a parked event always sits
 * behind its checkpoint (both commit together), so one ahead of it is left from before the
 * version was emptied (a rebuild from scratch) and will be read, and parked again if it must, anew.
 * Answers how many it dropped. One statement.
 */
export const dropStaleParked = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
  version: number;
}): Promise<number> => {
  const result = await options.db.query(
    `delete from projectionist.parked as p
     where p.name = $1 and p.version = $2
       and not exists (select 1 from projectionist.checkpoints c
                       where c.name = p.name and c.version = p.version and c.partition = p.partition
                         and c.next_offset > p.record_offset)`,
    [options.name, options.version],
  );
  return result.rowCount ?? 0;
};
