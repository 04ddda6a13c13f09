// A kafkajs client of a test's own, for what the engine never does to a log: delete records
// (a truncated topic), or join a reader's group as a stranger. The one test module that holds
// kafkajs; it takes kafkajs from src/log/kafkajs.ts so that the patched fetch path is loaded
// first, whichever module a test process loads first.
import type { Admin, Kafka as KafkaClient } from 'kafkajs';
import { AssignerProtocol, Kafka, logLevel } from '../../src/log/kafkajs.ts';
import { kafkaBrokers } from './testServices.ts';

export { AssignerProtocol };

/** A kafkajs client on the test broker; whatever a test makes from it, it disconnects. */
export const rawKafka = (): KafkaClient =>
  new Kafka({ clientId: 'projectionist-test-raw', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });

/** Runs `work` with a connected admin of the test broker, disconnected after. */
export const withRawAdmin = async <T>(work: (admin: Admin) => Promise<T>): Promise<T> => {
  const admin = rawKafka().admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
};

/** Deletes a partition's records before offset `before`, as retention would: the topic is truncated. */
export const truncatePartition = (options: {
  topic: string;
  partition: number;
  before: bigint;
}): Promise<void> =>
  withRawAdmin(async (admin) => {
    // kafkajs finds the partition's leader in the metadata it has, and a new admin has none.
    await admin.fetchTopicMetadata({ topics: [options.topic] });
    await admin.deleteTopicRecords({
      topic: options.topic,
      partitions: [{ partition: options.partition, offset: options.before.toString() }],
    });
  });
