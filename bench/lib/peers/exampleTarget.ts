import { partitionFor, type OffsetVector } from '../../../src/log/index.ts';
import { exampleEvents } from '../exampleEvents.ts';

/**
 * The generator's tag for the log of `prefix`, as produceExampleLog derives it: the stream ids of
 * the events a peer regenerates in memory must be those on the log.
 */
export const exampleTag = (prefix: string): string => prefix.slice(-8);

/**
 * Where the first `count` events of the log of `prefix` end, per partition: the log is appended
 * in generator order, keyed by stream id with Kafka's partitioner, so this prefix of the log holds
 * exactly the generator's first `count` events (which is how a smaller log is compared).
 */
export const exampleTarget = (options: {
  prefix: string;
  count: number;
  partitions: number;
}): OffsetVector => {
  const target = new Map<number, bigint>();
  for (let p = 0; p < options.partitions; p++) target.set(p, 0n);
  for (const e of exampleEvents({ count: options.count, tag: exampleTag(options.prefix) })) {
    const p = partitionFor(e.streamId, options.partitions);
    target.set(p, (target.get(p) ?? 0n) + 1n);
  }
  return target;
};
