import type { EncodedRecord } from './codec.ts';

/**
 * Largest record (value, key and headers, with room for their framing) Projectionist writes or
 * accepts: under the broker's default message.max.bytes (1,048,588), which bounds the record
 * batch a produce request carries for one partition, with room for the batch header.
 */
export const maxRecordBytes = 1_000_000;

/** What a record takes in a Kafka record batch, over-counted: a varint is at most 5 bytes. */
export const recordBytes = (r: EncodedRecord): number =>
  Buffer.byteLength(r.key) +
  r.value.length +
  Object.entries(r.headers).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v) + 10, 0) +
  40;

/**
 * The records in order, cut into sends of at most maxRecordBytes each, all partitions counted
 * together (kafkajs sends one batch per partition per request, and one partition may get all).
 * A batch the broker would refuse whole is so sent in parts that fit, keeping each stream's order.
 */
export const brokerSends = <R extends EncodedRecord>(records: readonly R[]): R[][] => {
  const sends: R[][] = [];
  let current: R[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = recordBytes(record);
    if (current.length > 0 && bytes + size > maxRecordBytes) {
      sends.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) sends.push(current);
  return sends;
};
