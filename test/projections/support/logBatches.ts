import { encodeEnvelope, type Envelope, type LogBatch } from '../../../src/log/index.ts';

/** Envelopes as log batches of one partition, `size` records each, offsets from `first`. */
export const logBatches = (
  envelopes: readonly Envelope[],
  options: { size?: number; partition?: number; first?: bigint } = {},
): LogBatch[] => {
  const size = options.size ?? envelopes.length;
  const partition = options.partition ?? 0;
  let offset = options.first ?? 0n;
  const batches: LogBatch[] = [];
  for (let i = 0; i < envelopes.length; i += Math.max(1, size)) {
    const records = envelopes.slice(i, i + size).map((e) => {
      const encoded = encodeEnvelope(e);
      return {
        partition,
        offset: offset++,
        key: encoded.key,
        value: encoded.value,
        headers: encoded.headers,
        timestamp: '0',
      };
    });
    batches.push({ partition, records, next: offset, highWatermark: offset });
  }
  return batches;
};

export async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}
