import type { EncodedRecord, LogRecord } from '../log/index.ts';

/** Headers of a dead letter: why, and where the original came from. The original bytes are the value. */
export const deadLetterHeaders = {
  reason: 'pj-dead-reason',
  sourceTopic: 'pj-dead-source-topic',
  sourcePartition: 'pj-dead-source-partition',
  sourceOffset: 'pj-dead-source-offset',
  at: 'pj-dead-at',
} as const;

export const deadLetterRecord = (options: {
  record: LogRecord;
  topic: string;
  reason: string;
  at?: Date;
}): EncodedRecord => {
  const { record } = options;
  const original = Object.fromEntries(
    Object.entries(record.headers).map(([k, v]) => [`pj-original-${k}`, v]),
  );
  return {
    key: record.key ?? '',
    value: record.value ?? Buffer.alloc(0),
    headers: {
      ...original,
      [deadLetterHeaders.reason]: options.reason.slice(0, 4_000),
      [deadLetterHeaders.sourceTopic]: options.topic,
      [deadLetterHeaders.sourcePartition]: String(record.partition),
      [deadLetterHeaders.sourceOffset]: record.offset.toString(),
      [deadLetterHeaders.at]: (options.at ?? new Date()).toISOString(),
    },
  };
};
