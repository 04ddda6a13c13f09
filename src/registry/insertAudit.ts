import type pg from 'pg';

/** Records a change of hands in the audit; meant for the cutover's own transaction. One statement. */
export const insertAudit = async (options: {
  db: pg.Pool | pg.PoolClient;
  name: string;
  from: number | null;
  to: number;
  actor: string;
  tookMs: number;
}): Promise<void> => {
  await options.db.query(
    `insert into projectionist.audit (name, from_version, to_version, actor, took_ms) values ($1, $2, $3, $4, $5)`,
    [options.name, options.from, options.to, options.actor, options.tookMs],
  );
};
