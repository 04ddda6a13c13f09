import type pg from 'pg';

/** A version's parked events: how many, of each kind, and the oldest's reason. */
export type ParkedCount = {
  readonly total: number;
  readonly failed: number;
  readonly waiting: number;
  readonly oldest: { readonly eventId: string; readonly reason: string; readonly parkedAt: Date } | null;
};

const versionKey = (name: string, version: number) => `${name}\u0000${version}`;

/**
 * The parked events of every version that has some, keyed `name\u0000version` (see parkedOf).
 * One statement.
 */
export const countParked = async (options: {
  db: pg.Pool | pg.PoolClient;
}): Promise<Map<string, ParkedCount>> => {
  const result = await options.db.query<{
    name: string;
    version: number;
    total: number;
    failed: number;
    waiting: number;
    event_id: string;
    reason: string;
    parked_at: Date;
  }>(
    `select name, version, count(*)::int as total,
            count(*) filter (where kind = 'failed')::int as failed,
            count(*) filter (where kind = 'waiting')::int as waiting,
            (array_agg(event_id order by parked_at, partition, record_offset))[1] as event_id,
            (array_agg(reason order by parked_at, partition, record_offset))[1] as reason,
            min(parked_at) as parked_at
     from projectionist.parked group by name, version`,
  );
  return new Map(
    result.rows.map((r) => [
      versionKey(r.name, r.version),
      {
        total: r.total,
        failed: r.failed,
        waiting: r.waiting,
        oldest: { eventId: r.event_id, reason: r.reason, parkedAt: r.parked_at },
      },
    ]),
  );
};

const none: ParkedCount = { total: 0, failed: 0, waiting: 0, oldest: null };

/** One version's count out of countParked's answer. */
export const parkedOf = (counts: ReadonlyMap<string, ParkedCount>, name: string, version: number) =>
  counts.get(versionKey(name, version)) ?? none;
