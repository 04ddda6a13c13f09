import { Partitioners } from './kafkajs.ts';

const defaultPartitioner = Partitioners.DefaultPartitioner();

/**
 * The partition Kafka's default (murmur2, Java-compatible) partitioner picks for a key, so every
 * client, in any language, puts a stream on the same partition.
 */
export const partitionFor = (key: string, partitionCount: number): number =>
  defaultPartitioner({
    topic: '',
    partitionMetadata: Array.from({ length: partitionCount }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    })),
    message: { key, value: null },
  });
