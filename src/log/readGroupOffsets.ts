import { logClientInternals, type LogClient } from './LogClient.ts';
import type { OffsetVector } from './offsets.ts';

/**
 * The offsets a consumer group has committed on a topic (the next offset to read, per
 * partition). A partition the group never committed is left out; an unknown group answers an
 * empty vector.
 */
export const readGroupOffsets = async (options: {
  client: LogClient;
  groupId: string;
  topic: string;
}): Promise<OffsetVector> => {
  const admin = await logClientInternals(options.client).admin();
  const answer = await admin.fetchOffsets({ groupId: options.groupId, topics: [options.topic] });
  const partitions = answer.find((t) => t.topic === options.topic)?.partitions ?? [];
  return new Map(
    partitions.filter((p) => BigInt(p.offset) >= 0n).map((p) => [p.partition, BigInt(p.offset)] as const),
  );
};
