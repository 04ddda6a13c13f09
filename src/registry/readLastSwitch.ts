import type pg from 'pg';

/** The last change of hands of a projection, from the audit. */
export type LastSwitch = {
  readonly from: number | null;
  readonly to: number;
  readonly actor: string;
};

/** The projection's latest cutover or rollback in the audit; null before its first. One statement. */
export const readLastSwitch = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
}): Promise<LastSwitch | null> => {
  const result = await options.db.query<{ from_version: number | null; to_version: number; actor: string }>(
    `select from_version, to_version, actor from projectionist.audit where name = $1 order by id desc limit 1`,
    [options.name],
  );
  const row = result.rows[0];
  return row === undefined ? null : { from: row.from_version, to: row.to_version, actor: row.actor };
};
