import type pg from 'pg';
import { engineDefaults } from '../config/index.ts';
import { ProjectionistError } from '../errors/index.ts';
import { inTransaction, runStatement, type Statement } from '../db/index.ts';
import { versionSchemaName } from '../definitions/index.ts';
import {
  deleteCheckpointsStatement,
  fenceLeaseStatement,
  lockProjectionStatement,
  rebuildStatement,
  versionStateStatement,
} from '../registry/index.ts';
import { dropSchemaStatement } from './dropSchemaStatement.ts';
import { lockTimeoutStatement } from './lockTimeoutStatement.ts';
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
 * What a retirement writes once it holds the projection's row: the lease fenced (it waits for a
 * flush in flight, which holds the row since its lease check), the schema dropped with every
 * table, the checkpoints deleted, the version marked retired and its rebuild row cleared.
 */
export const retireWrites = (options: {
  name: string;
  version: number;
  actor: string;
  at: Date;
}): Statement[] => {
  const { name, version, actor } = options;
  return [
    fenceLeaseStatement({ name, version, holder: retiredHolder }),
    dropSchemaStatement(name, version),
    deleteCheckpointsStatement({ name, version }),
    versionStateStatement({ name, version, state: { status: 'retired' } }),
    rebuildStatement({
      name,
      version,
      fields: {
        changed_by: actor,
        changed_at: options.at,
        requested_at: null,
        phase: null,
        caught_up_at: null,
        rate: null,
        eta_ms: null,
      },
    }),
  ];
};

/** Every statement of a retirement, in order, as `retire` runs it. */
export const retireTransaction = (options: {
  name: string;
  version: number;
  actor: string;
  at: Date;
  lockTimeoutMs: number;
}): Statement[] => [
  { text: 'begin', values: [] },
  lockTimeoutStatement(options.lockTimeoutMs),
  lockProjectionStatement(options),
  ...retireWrites(options),
  { text: 'commit', values: [] },
];

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
    await runStatement(
      client,
      lockTimeoutStatement(options.lockTimeoutMs ?? engineDefaults.rebuild.retireLockTimeoutMs),
    );
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
    // The same statements `projectionist plan retire` prints (retireTransaction).
    for (const statement of retireWrites({ name, version, actor, at: new Date() }))
      await runStatement(client, statement);
  });
  return { name, version, schema, actor };
};
