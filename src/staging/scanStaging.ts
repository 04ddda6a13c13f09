import type pg from 'pg';
import { engineDefaults } from '../config/index.ts';
import type { LogClient } from '../log/index.ts';
import type { Canary, CanaryHit } from './Canary.ts';
import { scanDatabase } from './scanDatabase.ts';
import { scanTopics } from './scanTopics.ts';

export type StagingScan = {
  readonly canaries: number;
  /** What the database scan covered; undefined when no staging database was given. */
  readonly database?: { readonly tables: number; readonly columns: number };
  /** What the topic scan covered; undefined when no staging topic prefix was given. */
  readonly topics?: { readonly names: readonly string[]; readonly records: number };
  /** Every place a canary value was found, database first; at most `limit`. */
  readonly hits: readonly CanaryHit[];
  /** More hits than `limit` were found. */
  readonly truncated: boolean;
};

/**
 * Looks for canary values (production personal values that staging must never hold) in a
 * staging database (every text-holding column of every table, the registry's included) and in
 * a staging deployment's topics (every record's key, value and headers). Read-only.
 */
export const scanStaging = async (options: {
  staging?: pg.Pool;
  stagingLog?: LogClient;
  canaries: readonly Canary[];
  /** Most hits reported. Default engineDefaults.staging.scanHitLimit (1,000). */
  limit?: number;
  signal?: AbortSignal;
}): Promise<StagingScan> => {
  const limit = options.limit ?? engineDefaults.staging.scanHitLimit;
  const { canaries } = options;
  const db =
    options.staging === undefined
      ? undefined
      : await scanDatabase({ pool: options.staging, canaries, limit });
  const left = limit - (db?.hits.length ?? 0);
  const log =
    options.stagingLog === undefined || (db?.truncated ?? false)
      ? undefined
      : await scanTopics({
          client: options.stagingLog,
          canaries,
          limit: left,
          ...(options.signal ? { signal: options.signal } : {}),
        });
  return {
    canaries: canaries.length,
    ...(db === undefined ? {} : { database: { tables: db.tables, columns: db.columns } }),
    ...(log === undefined ? {} : { topics: { names: log.topics, records: log.records } }),
    hits: [...(db?.hits ?? []), ...(log?.hits ?? [])],
    truncated: (db?.truncated ?? false) || (log?.truncated ?? false),
  };
};
