import type pg from 'pg';

/** The version a projection's stable views point at, or null when none does (or no such projection). */
export const activeVersion = async (options: {
  pool: pg.Pool;
  projection: string;
}): Promise<number | null> => {
  const result = await options.pool.query<{ active_version: number | null }>(
    `select active_version from projectionist.projections where name = $1`,
    [options.projection],
  );
  return result.rows[0]?.active_version ?? null;
};
