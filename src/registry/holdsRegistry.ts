import type pg from 'pg';
import { registrySchema } from '../definitions/index.ts';

/**
 * Whether a database holds a Projectionist registry (its schema exists, whatever is in it).
 * pg_catalog rather than information_schema: the latter hides what the user holds no privilege
 * on, and a schema hidden from the check must not count as absent. One statement.
 */
export const holdsRegistry = async (options: { db: pg.Pool | pg.PoolClient }): Promise<boolean> =>
  ((await options.db.query(`select 1 from pg_catalog.pg_namespace where nspname = $1`, [registrySchema]))
    .rowCount ?? 0) > 0;
