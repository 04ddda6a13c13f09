import type pg from 'pg';
import type { Emitter } from '../projections/index.ts';
import { type VersionStatus, type VersionRow } from '../registry/index.ts';
import type { RebuildEvents } from './rebuildEvents.ts';

type AuditRow = {
  id: string;
  name: string;
  from_version: number | null;
  to_version: number;
  actor: string;
  at: Date;
  took_ms: number;
};

/**
 * Turns what changed in the registry between two polls into events, whoever changed it: a
 * version's state ('version:state', and 'version:retired' with who retired it) and every cutover
 * committed since (from the audit: 'cutover:done').
 */
export const createRegistryWatcher = (options: {
  pool: pg.Pool;
  names: readonly string[];
  events: Emitter<RebuildEvents>;
}): { prime(): Promise<void>; observe(rows: readonly VersionRow[]): Promise<void> } => {
  const { pool, names, events } = options;
  const statuses = new Map<string, VersionStatus>();
  let auditSeen = '0';
  return {
    /** From now on: cutovers already in the audit are not reported. */
    prime: async () => {
      const audit = await pool.query<{ id: string }>(
        `select coalesce(max(id), 0)::text as id from projectionist.audit`,
      );
      auditSeen = audit.rows[0]?.id ?? '0';
    },
    observe: async (rows) => {
      for (const row of rows) {
        const key = `${row.name}\u0000${row.version}`;
        const before = statuses.get(key);
        const now = row.state.status;
        statuses.set(key, now);
        if (before === undefined || before === now) continue;
        events.emit('version:state', { name: row.name, version: row.version, from: before, to: now });
        if (now === 'retired')
          events.emit('version:retired', { name: row.name, version: row.version, actor: row.changedBy });
      }
      const audit = await pool.query<AuditRow>(
        `select id::text as id, name, from_version, to_version, actor, at, took_ms from projectionist.audit
         where id > $1::bigint and name = any($2::text[]) order by id`,
        [auditSeen, [...names]],
      );
      for (const r of audit.rows) {
        auditSeen = r.id;
        events.emit('cutover:done', {
          name: r.name,
          from: r.from_version,
          to: r.to_version,
          actor: r.actor,
          tookMs: r.took_ms,
          at: r.at,
        });
      }
    },
  };
};
