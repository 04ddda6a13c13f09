import type { Statement } from '../db/index.ts';
import { qualifiedName, quoteIdentifier, versionSchemaName } from '../definitions/index.ts';
import {
  activeVersionStatement,
  auditStatement,
  lockProjectionStatement,
  lockVersionRowStatement,
  versionStateStatement,
} from '../registry/index.ts';
import { lockTimeoutStatement } from './lockTimeoutStatement.ts';

/** The switching session's backend pid, so that a watcher can ask who blocks it. */
export const backendPidStatement: Statement = { text: 'select pg_backend_pid() as pid', values: [] };

/** The tables of a version's schema, in byte order of their names (as a plan lists them). */
export const versionTablesStatement = (schema: string): Statement => ({
  text: `select tablename from pg_tables where schemaname = $1 order by tablename collate "C"`,
  values: [schema],
});

/** The views of a projection's stable schema, in byte order of their names. */
export const stableViewsStatement = (stable: string): Statement => ({
  text: `select viewname from pg_views where schemaname = $1 order by viewname collate "C"`,
  values: [stable],
});

export type SwitchInputs = {
  readonly name: string;
  /** The version that takes over reads. */
  readonly version: number;
  /** The schema of the stable views. */
  readonly stable: string;
  /** The version's tables (versionTablesStatement's answer). */
  readonly tables: readonly string[];
  /** The stable views there are now (stableViewsStatement's answer). */
  readonly views: readonly string[];
  /** The version serving before, or null. */
  readonly from: number | null;
};

/**
 * What a switch writes once it holds its locks and has read the version's tables and the stable
 * views: the views dropped and made again over the version's tables, the active version, the old
 * one standby and the new one live. The audit row (auditStatement) comes last, with the time taken.
 */
export const switchWrites = (inputs: SwitchInputs): Statement[] => {
  const { name, version, stable, from } = inputs;
  const schema = versionSchemaName(name, version);
  return [
    { text: `create schema if not exists ${quoteIdentifier(stable)}`, values: [] },
    ...inputs.views.map((view) => ({ text: `drop view ${qualifiedName(stable, view)}`, values: [] })),
    ...inputs.tables.map((table) => ({
      text: `create view ${qualifiedName(stable, table)} as select * from ${qualifiedName(schema, table)}`,
      values: [],
    })),
    activeVersionStatement({ name, version }),
    ...(from !== null && from !== version
      ? [versionStateStatement({ name, version: from, state: { status: 'standby' }, onlyFrom: 'live' })]
      : []),
    versionStateStatement({ name, version, state: { status: 'live' } }),
  ];
};

/**
 * Every statement of one attempt at a switch, in order, as activateVersion runs it: lock_timeout,
 * the projection's and the version's row locks, the reads of the tables and views, the writes,
 * the audit row. (The caller's decision reads between the locks and the tables are its own.)
 */
export const switchTransaction = (
  inputs: SwitchInputs & {
    readonly lockTimeoutMs: number;
    readonly actor: string;
    readonly tookMs: number | string;
  },
): Statement[] => [
  { text: 'begin', values: [] },
  backendPidStatement,
  lockTimeoutStatement(inputs.lockTimeoutMs),
  lockProjectionStatement(inputs),
  lockVersionRowStatement(inputs),
  versionTablesStatement(versionSchemaName(inputs.name, inputs.version)),
  stableViewsStatement(inputs.stable),
  ...switchWrites(inputs),
  auditStatement({
    name: inputs.name,
    from: inputs.from,
    to: inputs.version,
    actor: inputs.actor,
    tookMs: inputs.tookMs,
  }),
  { text: 'commit', values: [] },
];
