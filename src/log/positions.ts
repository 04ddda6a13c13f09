import { ProjectionistError } from '../errors/index.ts';
import type { LogClient } from './LogClient.ts';
import type { OffsetVector } from './offsets.ts';

const fetchOffsets = async (client: LogClient, topic: string) => {
  const admin = await client.admin();
  return admin.fetchTopicOffsets(topic);
};

/** Per partition, the offset after the last record (the next one to be written). */
export const highWatermarks = async (options: { client: LogClient; topic: string }): Promise<OffsetVector> =>
  new Map((await fetchOffsets(options.client, options.topic)).map((p) => [p.partition, BigInt(p.high)]));

/** Per partition, the earliest offset still held. */
export const earliestOffsets = async (options: { client: LogClient; topic: string }): Promise<OffsetVector> =>
  new Map((await fetchOffsets(options.client, options.topic)).map((p) => [p.partition, BigInt(p.low)]));

export type Truncation = { readonly partition: number; readonly earliest: bigint };

/**
 * Partitions whose earliest offset is above zero: records were deleted (retention or
 * DeleteRecords), so a replay would build a read model from part of the history.
 */
export const findTruncation = async (options: { client: LogClient; topic: string }): Promise<Truncation[]> =>
  [...(await earliestOffsets(options))]
    .filter(([, earliest]) => earliest > 0n)
    .map(([partition, earliest]) => ({ partition, earliest }))
    .sort((a, b) => a.partition - b.partition);

/** Throws PRJ_LOG_TRUNCATED when the topic has lost records; a rebuild calls this before replaying. */
export const assertCompleteLog = async (options: { client: LogClient; topic: string }): Promise<void> => {
  const truncated = await findTruncation(options);
  if (truncated.length > 0) {
    const where = truncated.map((t) => `partition ${t.partition} starts at ${t.earliest}`).join(', ');
    throw new ProjectionistError(
      'PRJ_LOG_TRUNCATED',
      `${options.topic} has lost records (${where}); refusing to replay it`,
      {
        details: {
          topic: options.topic,
          truncated: truncated.map((t) => ({ ...t, earliest: t.earliest.toString() })),
        },
      },
    );
  }
};
