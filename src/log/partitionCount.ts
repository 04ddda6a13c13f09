import { ProjectionistError } from '../errors/index.ts';
import { logClientInternals, type LogClient } from './LogClient.ts';

/** How many partitions a topic has, from the cluster's metadata. */
export const partitionCount = async (options: { client: LogClient; topic: string }): Promise<number> => {
  const admin = await logClientInternals(options.client).admin();
  const meta = await admin.fetchTopicMetadata({ topics: [options.topic] });
  const count = meta.topics[0]?.partitions.length ?? 0;
  if (count === 0)
    throw new ProjectionistError(
      'PRJ_KAFKA_UNAVAILABLE',
      `topic ${options.topic} has no partitions (does it exist?)`,
    );
  return count;
};
