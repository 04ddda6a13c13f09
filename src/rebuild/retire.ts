import type pg from 'pg';
import { engineDefaults } from '../config/index.ts';
import { ProjectionistError } from '../errors/index.ts';
import { inTransaction } from '../db/index.ts';
import { quoteIdentifier, versionSchemaName } from '../definitions/index.ts';
import { deleteCheckpoints, fenceLease, setVersionState, writeRebuild } from '../registry/index.ts';
import { lockVersion } from './lockVersion.ts';

export type Retirement = {
  readonly name: string;
  readonly version: number;
  /** The schema that was dropped with all its tables. */
  readonly schema: string;
  readonly actor: string;
};

/** Who holds the lease of a retired version: nobody can take it (it never expires). */
export const retiredHolder = 'retired';

/**
 * Retires a version that does not serve reads: in one transaction, fences its lease, drops its
 * schema with every table, deletes its checkpoints and marks it retired. The lease row stays as
 * a tombstone (holder "retired", never expiring): a process still tailing the version fails its
 * next flush and can never take the lease again to recreate the tables. Refuses the active
 * version (PRJ_VERSION_STATE: cut over or roll back first) and a retired one.
 */
export const retire = async (options: {
  pool: pg.Pool;
  name: string;
  version: number;
  actor: string;
  /** How long it waits for a flush or a reader of the version's tables. Default 5,000 ms. */
  lockTimeoutMs?: number;
}): Promise<Retirement> => {
  const { pool, name, version, actor } = options;
  const schema = versionSchemaName(name, version);
  await inTransaction(pool, async (client) => {
    await client.query(`select set_config('lock_timeout', $1, true)`, [
      `${options.lockTimeoutMs ?? engineDefaults.rebuild.retireLockTimeoutMs}ms`,
    ]);
    // The projection row's lock: no cutover to this version can commit meanwhile.
    const { status, active } = await lockVersion(client, name, version);
    if (active)
      throw new ProjectionistError(
        'PRJ_VERSION_STATE',
        `${name} v${version} serves reads; cut over to another version (or roll back) before retiring it`,
        { details: { name, version, status, active } },
      );
    if (status === 'retired')
      throw new ProjectionistError('PRJ_VERSION_STATE', `${name} v${version} is retired already`, {
        details: { name, version, status },
      });
    // Waits for a flush in flight (it holds this row since its lease check), then fences the rest.
    await fenceLease({ db: client, name, version, holder: retiredHolder });
    await client.query(`drop schema if exists ${quoteIdentifier(schema)} cascade`);
    await deleteCheckpoints({ db: client, name, version });
    await setVersionState({ db: client, name, version, state: { status: 'retired' } });
    await writeRebuild({
      db: client,
      name,
      version,
      fields: {
        changed_by: actor,
        changed_at: new Date(),
        requested_at: null,
        phase: null,
        caught_up_at: null,
        rate: null,
        eta_ms: null,
      },
    });
  });
  return { name, version, schema, actor };
};
