import type pg from 'pg';

/** A version's lease row as one holder has it. */
export type HeldLease = {
  db: pg.Pool | pg.PoolClient;
  name: string;
  version: number;
  holder: string;
};

/** Deletes a version's lease row while `holder` has it (a retired version's tombstone). One statement. */
export const deleteLease = async (options: HeldLease): Promise<void> => {
  await options.db.query(
    `delete from projectionist.leases where name = $1 and version = $2 and holder = $3`,
    [options.name, options.version, options.holder],
  );
};
