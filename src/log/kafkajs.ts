import { createRequire } from 'node:module';
import type * as KafkaJs from 'kafkajs';

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

const kafkajs = require('kafkajs') as typeof KafkaJs;

export const Kafka: typeof KafkaJs.Kafka = kafkajs.Kafka;
export const Partitioners: typeof KafkaJs.Partitioners = kafkajs.Partitioners;
export const AssignerProtocol: typeof KafkaJs.AssignerProtocol = kafkajs.AssignerProtocol;
export const logLevel: typeof KafkaJs.logLevel = kafkajs.logLevel;
