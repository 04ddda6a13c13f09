import type pg from 'pg';
import { runStatement, type Statement } from '../db/index.ts';

export type AuditFields = {
  readonly name: string;
  readonly from: number | null;
  readonly to: number;
  readonly actor: string;
  /** How long the switch took; a plan, which cannot know, passes a placeholder. */
  readonly tookMs: number | string;
};

/** The audit row of a change of hands, as a statement (a plan prints it). */
export const auditStatement = (fields: AuditFields): Statement => ({
  text: `insert into projectionist.audit (name, from_version, to_version, actor, took_ms) values ($1, $2, $3, $4, $5)`,
  values: [fields.name, fields.from, fields.to, fields.actor, fields.tookMs],
});

/** Records a change of hands in the audit; meant for the cutover's own transaction. One statement. */
export const insertAudit = async (options: AuditFields & { db: pg.Pool | pg.PoolClient }): Promise<void> => {
  await runStatement(options.db, auditStatement(options));
};
