import type pg from 'pg';

/** One committed change of hands: who pointed a projection's stable views from which version to which. */
export type AuditEntry = {
  /** Its place in the audit, a decimal string (bigserial). */
  readonly id: string;
  readonly name: string;
  readonly from: number | null;
  readonly to: number;
  readonly actor: string;
  readonly at: Date;
  readonly tookMs: number;
};

/** An audit row as selected by `auditColumns`. */
export type AuditRow = {
  id: string;
  name: string;
  from_version: number | null;
  to_version: number;
  actor: string;
  at: Date;
  took_ms: number;
};

/** The select list every reader of the audit uses, so each gets the same AuditRow. */
export const auditColumns = 'id::text as id, name, from_version, to_version, actor, at, took_ms';

export const auditEntryOf = (r: AuditRow): AuditEntry => ({
  id: r.id,
  name: r.name,
  from: r.from_version,
  to: r.to_version,
  actor: r.actor,
  at: r.at,
  tookMs: r.took_ms,
});

/** The audit entries of these projections after `afterId`, oldest first. One statement. */
export const readCutoversSince = async (options: {
  db: pg.Pool | pg.PoolClient;
  afterId: string;
  names: readonly string[];
}): Promise<AuditEntry[]> => {
  const result = await options.db.query<AuditRow>(
    `select ${auditColumns} from projectionist.audit
     where id > $1::bigint and name = any($2::text[]) order by id`,
    [options.afterId, [...options.names]],
  );
  return result.rows.map(auditEntryOf);
};
