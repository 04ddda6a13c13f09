import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { ProjectionistError } from '../errors/index.ts';
import { inTransaction } from './inTransaction.ts';
import { qualifiedName, quoteIdentifier, versionSchemaName } from './schemaNames.ts';
import { setVersionState } from './setVersionState.ts';

export type Activation = {
  readonly name: string;
  readonly from: number | null;
  readonly to: number;
  readonly tookMs: number;
};

const refused = new Set(['building', 'failed', 'retired']);

const activateOnce = (options: {
  pool: pg.Pool;
  projection: string;
  version: number;
  actor: string;
  lockTimeoutMs: number;
}) =>
  inTransaction(options.pool, async (client): Promise<Activation> => {
    const { projection: name, version, actor } = options;
    const started = performance.now();
    await client.query(`select set_config('lock_timeout', $1, true)`, [`${options.lockTimeoutMs}ms`]);
    // The projection row's lock serializes cutovers of one projection.
    const projection = await client.query<{ schema_name: string; active_version: number | null }>(
      `select schema_name, active_version from projectionist.projections where name = $1 for update`,
      [name],
    );
    const row = projection.rows[0];
    if (row === undefined) throw new ProjectionistError('PRJ_NOT_FOUND', `no projection named ${name}`);
    const status = (
      await client.query<{ status: string }>(
        `select status from projectionist.versions where name = $1 and version = $2`,
        [name, version],
      )
    ).rows[0]?.status;
    if (status === undefined)
      throw new ProjectionistError('PRJ_NOT_FOUND', `${name} has no version ${version}`);
    if (refused.has(status))
      throw new ProjectionistError(
        'PRJ_VERSION_STATE',
        `${name} v${version} is ${status}; it cannot serve reads`,
        {
          details: { name, version, status },
        },
      );
    const schema = versionSchemaName(name, version);
    const tables = (
      await client.query<{ tablename: string }>(
        `select tablename from pg_tables where schemaname = $1 order by tablename`,
        [schema],
      )
    ).rows.map((r) => r.tablename);
    if (tables.length === 0)
      throw new ProjectionistError('PRJ_VERSION_STATE', `${name} v${version} has no tables yet`, {
        details: { name, version },
      });
    const stable = row.schema_name;
    await client.query(`create schema if not exists ${quoteIdentifier(stable)}`);
    const views = await client.query<{ viewname: string }>(
      `select viewname from pg_views where schemaname = $1`,
      [stable],
    );
    for (const { viewname } of views.rows) await client.query(`drop view ${qualifiedName(stable, viewname)}`);
    for (const table of tables)
      await client.query(
        `create view ${qualifiedName(stable, table)} as select * from ${qualifiedName(schema, table)}`,
      );
    await client.query(`update projectionist.projections set active_version = $2 where name = $1`, [
      name,
      version,
    ]);
    const from = row.active_version;
    if (from !== null && from !== version)
      await setVersionState({
        db: client,
        name,
        version: from,
        state: { status: 'standby' },
        onlyFrom: 'live',
      });
    await setVersionState({ db: client, name, version, state: { status: 'live' } });
    const tookMs = Math.round(performance.now() - started);
    await client.query(
      `insert into projectionist.audit (name, from_version, to_version, actor, took_ms) values ($1, $2, $3, $4, $5)`,
      [name, from, version, actor, tookMs],
    );
    return { name, from, to: version, tookMs };
  });

/**
 * Points every stable view of a projection (`<name>.<table>`) at one version's tables, in one
 * transaction that also records the cutover in the audit: readers see the old version or the
 * new one, never a mix. Views of tables the version lacks are dropped. Its locks are taken with
 * a short lock_timeout and retried, so readers never queue long behind it.
 * PRJ_NOT_FOUND for an unknown projection or version; PRJ_VERSION_STATE for a version that is
 * building, failed or retired.
 */
export const activateVersion = async (options: {
  pool: pg.Pool;
  projection: string;
  version: number;
  actor: string;
  /** Default 2,000 ms. */
  lockTimeoutMs?: number;
  /** Default 5. */
  attempts?: number;
}): Promise<Activation> => {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await activateOnce({ ...options, lockTimeoutMs: options.lockTimeoutMs ?? 2_000 });
    } catch (error) {
      // 55P03: lock_not_available (readers held the views longer than lock_timeout).
      if ((error as { code?: unknown }).code !== '55P03' || attempt >= attempts) throw error;
      await sleep(100 * 2 ** attempt);
    }
  }
};
