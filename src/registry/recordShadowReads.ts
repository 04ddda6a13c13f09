import type pg from 'pg';

/** What one process's shadow reads of a candidate found since it last recorded them. */
export type ShadowCounts = {
  readonly name: string;
  /** The candidate version. */
  readonly version: number;
  /** The active version it was compared with. */
  readonly against: number;
  readonly compared: number;
  readonly differing: number;
  readonly errors: number;
  readonly unaligned: number;
  /** Keys of the last read that differed, when one did. */
  readonly lastKeys?: readonly Readonly<Record<string, unknown>>[];
  readonly lastError?: string;
};

/**
 * Adds one batch of counts to the candidate's row in projectionist.shadow_reads (every serving
 * process adds to the same row). One statement.
 */
export const recordShadowReads = async (options: {
  db: pg.Pool | pg.PoolClient;
  counts: ShadowCounts;
}): Promise<void> => {
  const c = options.counts;
  await options.db.query(
    `insert into projectionist.shadow_reads as s
       (name, version, against, compared, differing, errors, unaligned, last_keys, last_difference_at, last_error)
     values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, case when $8::jsonb is null then null else now() end, $9)
     on conflict (name, version, against) do update set
       compared = s.compared + excluded.compared,
       differing = s.differing + excluded.differing,
       errors = s.errors + excluded.errors,
       unaligned = s.unaligned + excluded.unaligned,
       last_keys = coalesce(excluded.last_keys, s.last_keys),
       last_difference_at = coalesce(excluded.last_difference_at, s.last_difference_at),
       last_error = coalesce(excluded.last_error, s.last_error),
       updated_at = now()`,
    [
      c.name,
      c.version,
      c.against,
      c.compared,
      c.differing,
      c.errors,
      c.unaligned,
      c.lastKeys === undefined ? null : JSON.stringify(c.lastKeys),
      c.lastError ?? null,
    ],
  );
};
