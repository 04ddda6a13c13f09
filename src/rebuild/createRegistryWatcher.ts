import type pg from 'pg';
import type { Emitter } from '../projections/index.ts';
import {
  readCutoversSince,
  readLastAuditId,
  type VersionStatus,
  type VersionRow,
} from '../registry/index.ts';
import type { RebuildEvents } from './rebuildEvents.ts';

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
      auditSeen = await readLastAuditId({ db: pool });
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
      for (const entry of await readCutoversSince({ db: pool, afterId: auditSeen, names })) {
        auditSeen = entry.id;
        const { name, from, to, actor, tookMs, at } = entry;
        events.emit('cutover:done', { name, from, to, actor, tookMs, at });
      }
    },
  };
};
