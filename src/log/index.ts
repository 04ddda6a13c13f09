// The event log: the only part of Projectionist that imports kafkajs.
export { LogClient, type LogClientOptions } from './LogClient.ts';
export { createEnvelope, type Envelope } from './envelope.ts';
export { encodeEnvelope, decodeEnvelope, headerNames, type EncodedRecord } from './codec.ts';
export { ensureTopics, checkTopics } from './ensureTopics.ts';
export { dropTopics } from './dropTopics.ts';
export { highWatermarks, earliestOffsets, findTruncation, assertCompleteLog } from './positions.ts';
export { Appender, TransactionalAppender, type LogTransaction, type SchemaOf } from './Appender.ts';
export { readLog, type LogBatch, type LogRecord } from './readLog.ts';
export { LogFeed, tailTopic, type LogFeedOptions } from './LogFeed.ts';
export { partitionFor } from './partitionFor.ts';
export { recordType, recordHeader } from './toLogRecord.ts';
export { partitionCount } from './partitionCount.ts';
export { listTopics } from './listTopics.ts';
export { readGroupOffsets } from './readGroupOffsets.ts';
export { coalesceCalls } from './coalesceCalls.ts';
export { createRecordBatchDecoder } from './recordBatchDecoder.ts';
export { brokerSends, maxRecordBytes, recordBytes } from './brokerSends.ts';
export {
  offsetVectorToJson,
  offsetVectorFromJson,
  offsetDistance,
  type OffsetVector,
  type Position,
} from './offsets.ts';
export {
  formatPositionToken,
  parsePositionToken,
  passesPositions,
  type ParsedPositionToken,
} from './positionToken.ts';
export { TransactionalConsumer, type SliceOutcome, type ConsumerHealth } from './TransactionalConsumer.ts';
