import type { Admin } from 'kafkajs';
import { ProjectionistError } from '../errors/index.ts';
import { logClientInternals, type LogClient } from './LogClient.ts';
import type { OffsetVector } from './offsets.ts';
import { NotReadyYet, retryLogRequest } from './retryLogRequest.ts';

type PartitionOffsets = { readonly partition: number; readonly high: bigint; readonly low: bigint };

/**
 * Every partition of the topic has a leader; answers their ids. Throws NotReadyYet while the
 * broker's metadata still lacks the topic or a leader (a topic created a moment ago).
 */
export const leadersReady = async (admin: Admin, topic: string): Promise<number[]> => {
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = meta.topics.find((t) => t.name === topic)?.partitions ?? [];
  if (partitions.length === 0 || partitions.some((p) => p.leader < 0))
    throw new NotReadyYet(`${topic} has partitions without a leader`);
  return partitions.map((p) => p.partitionId).sort((a, b) => a - b);
};

/**
 * High and low offsets of every partition. kafkajs's fetchTopicOffsets throws a TypeError on a
 * topic whose metadata it does not have yet, and the broker answers NOT_LEADER_FOR_PARTITION or
 * UNKNOWN_TOPIC_OR_PARTITION for a moment after creation: both are retried within a bound, and
 * an answer missing a partition is never taken.
 */
const fetchOffsets = (client: LogClient, topic: string): Promise<PartitionOffsets[]> =>
  retryLogRequest(`offsets of ${topic}`, async () => {
    const admin = await logClientInternals(client).admin();
    const partitions = await leadersReady(admin, topic);
    let answer: Awaited<ReturnType<Admin['fetchTopicOffsets']>>;
    try {
      answer = await admin.fetchTopicOffsets(topic);
    } catch (error) {
      // The destructuring TypeError inside kafkajs: it had no partitions for the topic yet.
      if (error instanceof TypeError) throw new NotReadyYet(`no offsets for ${topic} yet`, { cause: error });
      throw error;
    }
    const byPartition = new Map(answer.map((p) => [p.partition, p]));
    if (partitions.some((p) => !byPartition.has(p))) throw new NotReadyYet(`partial offsets for ${topic}`);
    return partitions.map((partition) => {
      const p = byPartition.get(partition);
      return { partition, high: BigInt(p?.high ?? '0'), low: BigInt(p?.low ?? '0') };
    });
  });

/** Per partition, the offset after the last record (the next one to be written). */
export const highWatermarks = async (options: { client: LogClient; topic: string }): Promise<OffsetVector> =>
  new Map((await fetchOffsets(options.client, options.topic)).map((p) => [p.partition, p.high]));

/** Per partition, the earliest offset still held. */
export const earliestOffsets = async (options: { client: LogClient; topic: string }): Promise<OffsetVector> =>
  new Map((await fetchOffsets(options.client, options.topic)).map((p) => [p.partition, p.low]));

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
