import {
  decodeEnvelope,
  encodeEnvelope,
  highWatermarks,
  offsetDistance,
  readGroupOffsets,
  readLog,
  TransactionalAppender,
  type EncodedRecord,
  type Envelope,
  type LogClient,
  type OffsetVector,
} from '../log/index.ts';
import type { EventDecoder } from '../projections/index.ts';
import type { StagingFilter } from './StagingFilter.ts';
import { stagingRefused } from './stagingRefused.ts';

export type StagingTopicResult = {
  /** The staging deployment's events topic. */
  readonly topic: string;
  /**
   * Production offsets this run moved over (from where the last run stopped to the target): its
   * records and the transaction markers between them.
   */
  readonly read: number;
  /** Anonymized events written to the staging topic by this run. */
  readonly written: number;
  /** Events that passed the filter but that the upcasters refused: not written (counted only). */
  readonly refused: number;
  /** The signal stopped the copy before the target; what was written is kept (and committed). */
  readonly stopped: boolean;
};

/**
 * The group (and transactional id) of the staging topic's writer: its committed offsets on the
 * production events topic say how far production has been copied. Named under the staging
 * prefix: it is no production consumer's group.
 */
export const stagingWriterGroup = (staging: LogClient): string => `${staging.prefix}.staging-writer`;

/**
 * Copies the production events topic, through the staging filter, to the staging deployment's
 * events topic, exactly once: each slice of a production partition is written in one Kafka
 * transaction that also commits the writer group's offset after it, so a run that crashed or
 * was stopped resumes after the last committed slice and a re-run writes nothing twice. An
 * event keeps its written version (the staging deployment upcasts, as production does) and is
 * keyed by its pseudonymized stream id; a stream lives in one production partition, read in
 * order, and its pseudonym in one staging partition, so every stream keeps its order. What the
 * filter drops (or the upcasters refuse) is never written. Refuses (PRJ_STAGING_REFUSED) a
 * staging topic that holds records while the writer group has no offsets: its origin is unknown
 * (the group was deleted, or another writer filled it), and appending would double it.
 */
export const writeStagingTopic = async (options: {
  client: LogClient;
  staging: LogClient;
  filter: StagingFilter;
  /** The contracts' decoder: an event passes only when it also upcasts, as it would in staging. */
  upcast: EventDecoder;
  until: OffsetVector;
  onProgress?: (copied: OffsetVector) => void;
  signal?: AbortSignal;
}): Promise<StagingTopicResult> => {
  const { client, staging, filter, upcast } = options;
  const groupId = stagingWriterGroup(staging);
  const source = client.topics.events;
  const topic = staging.topics.events;
  const committed = await readGroupOffsets({ client: staging, groupId, topic: source });
  if (committed.size === 0) {
    const held = offsetDistance(new Map(), await highWatermarks({ client: staging, topic }));
    if (held > 0n)
      throw stagingRefused(
        `the staging topic ${topic} holds ${held} records but its writer group ${groupId} has no offsets, so nobody knows which production events they are; delete the topic (and empty the staging database) to start staging over`,
      );
  }
  const from = new Map([...options.until.keys()].map((p) => [p, committed.get(p) ?? 0n]));
  const copied = new Map(from);
  let written = 0;
  let refused = 0;
  const appender = await new TransactionalAppender(staging, groupId).connect();
  try {
    for await (const batch of readLog({
      client,
      topic: source,
      from,
      until: options.until,
      ...(options.signal ? { signal: options.signal } : {}),
    })) {
      const records: EncodedRecord[] = [];
      for (const record of batch.records) {
        let envelope: Envelope | null = null;
        try {
          envelope = decodeEnvelope(record.value);
        } catch {
          // Not an envelope: the filter counts it as malformed and drops it.
        }
        const verdict = filter.filter(envelope as Envelope);
        if (verdict.status === 'drop') continue;
        if (upcast(verdict.envelope).status !== 'ok') {
          refused += 1;
          continue;
        }
        records.push(encodeEnvelope(verdict.envelope));
      }
      await appender.transaction(async (tx) => {
        await tx.send(topic, records);
        await tx.commitOffsets({ groupId, topic: source, offsets: new Map([[batch.partition, batch.next]]) });
      });
      written += records.length;
      copied.set(batch.partition, batch.next);
      options.onProgress?.(copied);
    }
  } finally {
    await appender.close();
  }
  const stopped = [...options.until].some(([p, end]) => (copied.get(p) ?? 0n) < end);
  return { topic, read: Number(offsetDistance(from, copied)), written, refused, stopped };
};
