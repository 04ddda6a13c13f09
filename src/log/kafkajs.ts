import { createRequire } from 'node:module';
import type * as KafkaJs from 'kafkajs';
import { createRecordBatchDecoder, type RecordBatchDecoderDeps } from './recordBatchDecoder.ts';

/**
 * kafkajs, loaded once through here so that its fetch path drops every aborted transaction.
 * kafkajs 2.2.4's `filterAbortedMessages` starts tracking at most one aborted transaction per
 * record; when a fetch begins past the start of one aborted transaction and at the start of
 * another (a killed worker's two producers, a fetch that starts mid-way), the second one's
 * records reach read_committed readers: a command-state projection then folded a refund that
 * was never committed. The replacement follows Kafka's own consumer (Fetcher): every aborted
 * transaction whose first offset is at or before a record starts being skipped, a producer's
 * abort marker ends it. It must be in the require cache before kafkajs's consumer loads (its
 * batch module keeps a reference), so every module of this part takes kafkajs from here.
 */
type Message = {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly isControlRecord?: boolean;
  readonly batchContext: { readonly producerId: string; readonly inTransaction: boolean };
};
type AbortedTransaction = { readonly firstOffset: string; readonly producerId: string };

const abortMarkerKey = Buffer.from([0, 0, 0, 0]);

const dropAbortedMessages = ({
  messages,
  abortedTransactions,
}: {
  messages: readonly Message[];
  abortedTransactions?: readonly AbortedTransaction[];
}): Message[] => {
  if (abortedTransactions === undefined || abortedTransactions.length === 0) return [...messages];
  const pending = [...abortedTransactions].sort((a, b) => {
    const d = BigInt(a.firstOffset) - BigInt(b.firstOffset);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  });
  const aborted = new Set<string>();
  let next = 0;
  return messages.filter((message) => {
    const offset = BigInt(message.offset);
    while (next < pending.length && BigInt(pending[next]!.firstOffset) <= offset)
      aborted.add(String(pending[next++]!.producerId));
    const producer = String(message.batchContext.producerId);
    if (message.isControlRecord === true) {
      if (message.key !== null && Buffer.from(message.key).equals(abortMarkerKey)) aborted.delete(producer);
      return true;
    }
    return !(message.batchContext.inTransaction && aborted.has(producer));
  });
};

const require = createRequire(import.meta.url);
try {
  const path = require.resolve('kafkajs/src/consumer/filterAbortedMessages.js');
  require(path);
  const cached = require.cache[path];
  if (cached !== undefined) cached.exports = dropAbortedMessages;
} catch {
  // A kafkajs of another layout: its own filter stays (and the read-committed tests will say so).
}

/**
 * kafkajs asks for a coordinator (FindCoordinator) before each transactional request: adding a
 * partition, adding the offsets, committing the offsets and ending the transaction each look the
 * same two coordinators up again, four round trips of the ten a command worker's transaction
 * makes. The answers are kept per client (kafkajs's Cluster) for `coordinatorTtlMs`; a failed
 * lookup is not kept. A coordinator that moves is found again within that time; requests sent to
 * the old one meanwhile are refused (NOT_COORDINATOR) and retried by kafkajs, as they are anyway.
 */
const coordinatorTtlMs = 1_000;
type CoordinatorLookup = (args: { groupId: string; coordinatorType?: number }) => Promise<unknown>;
try {
  const Cluster = require('kafkajs/src/cluster/index.js') as { prototype: Record<string, unknown> };
  const lookup = Cluster.prototype.findGroupCoordinatorMetadata as CoordinatorLookup | undefined;
  if (typeof lookup === 'function') {
    type Kept = Map<string, { until: number; answer: Promise<unknown> }>;
    const kept = new WeakMap<object, Kept>();
    Cluster.prototype.findGroupCoordinatorMetadata = function (
      this: object,
      args: Parameters<CoordinatorLookup>[0],
    ) {
      let answers = kept.get(this);
      if (answers === undefined) kept.set(this, (answers = new Map() as Kept));
      const key = `${args.coordinatorType ?? 0}:${args.groupId}`;
      const now = performance.now();
      const hit = answers.get(key);
      if (hit !== undefined && hit.until > now) return hit.answer;
      const answer = lookup.call(this, args);
      answers.set(key, { until: now + coordinatorTtlMs, answer });
      answer.catch(() => {
        if (answers.get(key)?.answer === answer) answers.delete(key);
      });
      return answer;
    };
  }
} catch {
  // A kafkajs of another layout: every lookup goes to the broker, as kafkajs does.
}

/**
 * kafkajs's record batch decoder, replaced by a faster one with the same output (see
 * recordBatchDecoder.ts); installed, like the filter above, before the fetch response loads it.
 */
try {
  const path = require.resolve('kafkajs/src/protocol/recordBatch/v0/decoder.js');
  const errors = require('kafkajs/src/errors.js') as { KafkaJSPartialMessageError?: unknown };
  const compression = require('kafkajs/src/protocol/message/compression/index.js') as {
    lookupCodecByAttributes?: unknown;
  };
  if (
    typeof errors.KafkaJSPartialMessageError === 'function' &&
    typeof compression.lookupCodecByAttributes === 'function'
  ) {
    require(path);
    const cached = require.cache[path];
    if (cached !== undefined)
      cached.exports = createRecordBatchDecoder({
        PartialMessageError:
          errors.KafkaJSPartialMessageError as RecordBatchDecoderDeps['PartialMessageError'],
        lookupCodecByAttributes:
          compression.lookupCodecByAttributes as RecordBatchDecoderDeps['lookupCodecByAttributes'],
      });
  }
} catch {
  // A kafkajs of another layout: its own decoder stays.
}

const kafkajs = require('kafkajs') as typeof KafkaJs;

export const Kafka: typeof KafkaJs.Kafka = kafkajs.Kafka;
export const Partitioners: typeof KafkaJs.Partitioners = kafkajs.Partitioners;
export const AssignerProtocol: typeof KafkaJs.AssignerProtocol = kafkajs.AssignerProtocol;
export const logLevel: typeof KafkaJs.logLevel = kafkajs.logLevel;
