import type pg from 'pg';

/**
 * What an operator's refused command must leave as it was: the active version, every version's
 * state, the audit, the schemas and their tables, the stable views' definitions and the
 * checkpoints of a projection.
 */
export const registrySnapshot = async (pool: pg.Pool, name: string) => {
  const stable = name.replaceAll('-', '_');
  const [active, versions, audit, tables, views, checkpoints] = await Promise.all([
    pool.query(`select active_version from projectionist.projections where name = $1`, [name]),
    pool.query(
      `select version, status, status_reason, status_changed_at from projectionist.versions where name = $1 order by version`,
      [name],
    ),
    pool.query(
      `select id, from_version, to_version, actor from projectionist.audit where name = $1 order by id`,
      [name],
    ),
    pool.query(`select schemaname, tablename from pg_tables where schemaname like $1 order by 1, 2`, [
      `${stable}%`,
    ]),
    pool.query(`select viewname, definition from pg_views where schemaname = $1 order by 1`, [stable]),
    pool.query(
      `select version, partition, next_offset::text from projectionist.checkpoints where name = $1 order by 1, 2`,
      [name],
    ),
  ]);
  return {
    active: active.rows,
    versions: versions.rows,
    audit: audit.rows,
    tables: tables.rows,
    views: views.rows,
    checkpoints: checkpoints.rows,
  };
};
