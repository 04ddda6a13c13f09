import type pg from 'pg';
import { highWatermarks, type LogClient, type OffsetVector } from '../log/index.ts';
import { listProjections, type ProjectionSummary } from '../registry/index.ts';

export type Positions = {
  /** The events topic's next offset per partition; undefined when Kafka did not answer. */
  readonly highWatermarks: OffsetVector | undefined;
  /** Every registered projection with its versions' checkpoints; empty when PostgreSQL did not answer. */
  readonly projections: readonly ProjectionSummary[];
};

/**
 * What a scrape reads: the topic's ends and every version's checkpoints. A dependency that does
 * not answer leaves its part empty rather than failing the scrape (/readyz says which is down).
 */
export const readPositions = async (options: { pool: pg.Pool; client: LogClient }): Promise<Positions> => {
  const { pool, client } = options;
  const hw = await highWatermarks({ client, topic: client.topics.events }).catch(() => undefined);
  const projections = await listProjections({
    pool,
    ...(hw === undefined ? {} : { highWatermarks: hw }),
  }).catch(() => []);
  return { highWatermarks: hw, projections };
};
