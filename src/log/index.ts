// The event log: the only part of Projectionist that imports kafkajs.
export { LogClient, type ClusterInfo } from './LogClient.ts';
export { createEnvelope, type Envelope } from './envelope.ts';
export { encodeEnvelope, decodeEnvelope, headerNames, type EncodedRecord } from './codec.ts';
export { topicNames, type TopicNames } from './topicNames.ts';
export { ensureTopics, checkTopics, type TopicProblem } from './ensureTopics.ts';
export { dropTopics } from './dropTopics.ts';
export {
  highWatermarks,
  earliestOffsets,
  findTruncation,
  assertCompleteLog,
  type Truncation,
} from './positions.ts';
export { Appender, TransactionalAppender, type LogTransaction } from './Appender.ts';
export { readLog, type LogBatch, type LogRecord, type ReadLogOptions } from './readLog.ts';
export { partitionFor } from './partitionFor.ts';
export { partitionCount } from './partitionCount.ts';
export { brokerSends, maxRecordBytes, recordBytes } from './brokerSends.ts';
export {
  offsetVectorToJson,
  offsetVectorFromJson,
  offsetDistance,
  type OffsetVector,
  type Position,
} from './offsets.ts';
export {
  TransactionalConsumer,
  type SliceHandler,
  type SliceOutcome,
  type TransactionalConsumerOptions,
  type ConsumerHealth,
} from './TransactionalConsumer.ts';
