import type pg from 'pg';

/** What the shadow reads of every serving process found for one candidate, against one active version. */
export type ShadowTally = {
  readonly name: string;
  readonly version: number;
  readonly against: number;
  /** Reads compared; decimal strings, as counts may pass 2^53. */
  readonly compared: string;
  readonly differing: string;
  readonly errors: string;
  readonly unaligned: string;
  readonly lastKeys: readonly Readonly<Record<string, unknown>>[] | null;
  readonly lastDifferenceAt: Date | null;
  readonly lastError: string | null;
  readonly updatedAt: Date;
};

/** Every candidate's shadow-read tally (of `names`, or all). One statement. */
export const readShadowReads = async (options: {
  db: pg.Pool | pg.PoolClient;
  names?: readonly string[];
}): Promise<ShadowTally[]> => {
  const result = await options.db.query<{
    name: string;
    version: number;
    against: number;
    compared: string;
    differing: string;
    errors: string;
    unaligned: string;
    last_keys: Record<string, unknown>[] | null;
    last_difference_at: Date | null;
    last_error: string | null;
    updated_at: Date;
  }>(
    `select name, version, against, compared::text, differing::text, errors::text, unaligned::text,
            last_keys, last_difference_at, last_error, updated_at
       from projectionist.shadow_reads
      where $1::text[] is null or name = any($1::text[])
      order by name, version, against`,
    [options.names ?? null],
  );
  return result.rows.map((r) => ({
    name: r.name,
    version: r.version,
    against: r.against,
    compared: r.compared,
    differing: r.differing,
    errors: r.errors,
    unaligned: r.unaligned,
    lastKeys: r.last_keys,
    lastDifferenceAt: r.last_difference_at,
    lastError: r.last_error,
    updatedAt: r.updated_at,
  }));
};
