import type pg from 'pg';
import { ProjectionistError } from '../errors/index.ts';
import { registrySchema } from '../definitions/index.ts';
import { holdsRegistry, readEnvironmentRole } from '../registry/index.ts';

const identity = async (pool: pg.Pool) => {
  const result = await pool.query<{ system_identifier: string; database: string }>(
    `select system_identifier::text as system_identifier, current_database() as database from pg_control_system()`,
  );
  const row = result.rows[0];
  if (row === undefined) throw new ProjectionistError('PRJ_INTERNAL', 'pg_control_system() answered nothing');
  return row;
};

/**
 * Refuses a staging target that is the production database: the same server (system
 * identifier) and database name, or a database whose own mark says it is production. Refuses
 * too a database that holds a Projectionist registry (the `projectionist` schema) and is not
 * marked staging: it is some deployment's database, and its mark is the only word on which; the
 * environment the refresh runs in says nothing about the target. An empty database may become
 * a staging target (the refresh then marks it). Throws PRJ_STAGING_REFUSED and changes nothing.
 */
export const guardStagingTarget = async (options: {
  production: pg.Pool;
  staging: pg.Pool;
}): Promise<void> => {
  const [prod, target] = await Promise.all([identity(options.production), identity(options.staging)]);
  if (prod.system_identifier === target.system_identifier && prod.database === target.database) {
    throw new ProjectionistError(
      'PRJ_STAGING_REFUSED',
      `the staging target is the production database (${target.database} on the same server); refusing to refresh it`,
    );
  }
  const role = await readEnvironmentRole({ db: options.staging });
  if (role === 'production') {
    throw new ProjectionistError(
      'PRJ_STAGING_REFUSED',
      `the staging target ${target.database} is marked as a production database; refusing to refresh it`,
    );
  }
  if (role !== 'staging' && (await holdsRegistry({ db: options.staging }))) {
    throw new ProjectionistError(
      'PRJ_STAGING_REFUSED',
      `the staging target ${target.database} holds a Projectionist registry (schema ${registrySchema}) but is not marked staging, so it may be another deployment's database; refusing to refresh it. Point PROJECTIONIST_STAGING_DATABASE_URL at an empty database, or at one a deployment started with PROJECTIONIST_ENVIRONMENT=staging has marked`,
    );
  }
};
