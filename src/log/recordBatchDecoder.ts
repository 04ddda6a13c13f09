/**
 * kafkajs's record batch decoder (protocol/recordBatch/v0/decoder.js), rewritten for speed and
 * installed in its place by kafkajs.ts. Its output is the same, field for field: every fetch of
 * every reader goes through it. What kafkajs did per record, and this does not:
 * - a Buffer slice and a Decoder object for each record, before reading it;
 * - offsets and timestamps as Long objects parsed again from the batch's strings (several Longs
 *   per varint byte): here they are numbers while they are safe integers, BigInt beyond;
 * - headers folded with an object spread per header (each record's headers copied once per header);
 * - each header's name decoded from its bytes: names seen before are matched by their bytes.
 * In a replay these were about a fifth of the node thread (bench/RESULTS.md, the peers profile).
 */

import { createTextInterner } from './createTextInterner.ts';

/** The parts of kafkajs's Decoder this reads: its buffer and the position in it. */
type KafkaDecoder = {
  buffer: Buffer;
  offset: number;
  readInt8(): number;
  readInt16(): number;
  readInt32(): number;
  readInt64(): { toString(): string };
  readAll(): Buffer;
  slice(size: number): KafkaDecoder;
  forward(size: number): void;
};

type Codec = { decompress(buffer: Buffer): Promise<Buffer> };

/** What kafkajs provides that this decoder uses. */
export type RecordBatchDecoderDeps = {
  /** kafkajs's KafkaJSPartialMessageError: decodeMessages stops at it (a fetch's last, cut-off batch). */
  readonly PartialMessageError: new (message: string) => Error;
  readonly lookupCodecByAttributes: (attributes: number) => Codec | null | undefined;
};

const timestampTypeFlag = 0x8;
const transactionalFlag = 0x10;
const controlFlag = 0x20;
const createTime = 0;
const logAppendTime = 1;

type BatchContext = {
  readonly firstOffset: string;
  readonly firstTimestamp: string;
  readonly partitionLeaderEpoch: number;
  readonly inTransaction: boolean;
  readonly isControlBatch: boolean;
  readonly lastOffsetDelta: number;
  readonly producerId: string;
  readonly producerEpoch: number;
  readonly firstSequence: number;
  readonly maxTimestamp: string;
  readonly timestampType: number;
  readonly magicByte: number;
};

type Headers = Record<string, Buffer | null | (Buffer | null)[]>;

/** A position in a buffer, advanced as fields are read. */
type Cursor = { readonly buffer: Buffer; at: number };

/**
 * A zig-zag varint (Kafka's varint and varlong alike) as a number; as a bigint when it does not
 * fit in 49 bits (8 bytes or more), which no delta or length of a sane batch does.
 */
const readVarLong = (c: Cursor): number | bigint => {
  const { buffer } = c;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 7; i++) {
    const byte = buffer[c.at++] as number;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    scale *= 128;
  }
  let big = BigInt(value);
  let shift = 49n;
  for (;;) {
    const byte = buffer[c.at++] as number;
    big |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) break;
    shift += 7n;
    if (shift > 63n) throw new Error('Invalid Long, must contain 10 bytes or less');
  }
  return (big & 1n) === 0n ? big >> 1n : -((big + 1n) >> 1n);
};

const readVarInt = (c: Cursor): number => {
  const value = readVarLong(c);
  return typeof value === 'number' ? value : Number(value);
};

/** The varint-prefixed bytes there (a view, no copy), or null for length -1. */
const readBytes = (c: Cursor): Buffer | null => {
  const length = readVarInt(c);
  if (length < 0) return null;
  const start = c.at;
  c.at += length;
  return c.buffer.subarray(start, c.at);
};

/** base + delta, both as the decimal text Kafka's 64-bit values have in kafkajs. */
const plus = (base: string, baseNumber: number | undefined, delta: number | bigint): string =>
  baseNumber !== undefined && typeof delta === 'number' && Number.isSafeInteger(baseNumber + delta)
    ? String(baseNumber + delta)
    : String(BigInt(base) + BigInt(delta));

const safeNumber = (text: string): number | undefined => {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
};

/** Header names read before: records repeat the same few (pj-type, content-type...). */
const nameAt = createTextInterner({ max: 32, maxBytes: 64 });

const decodeRecords = (c: Cursor, count: number, context: BatchContext) => {
  const firstOffset = safeNumber(context.firstOffset);
  const firstTimestamp = safeNumber(context.firstTimestamp);
  const appendTime = context.timestampType === logAppendTime && context.maxTimestamp;
  const records: unknown[] = new Array<unknown>(count);
  for (let i = 0; i < count; i++) {
    const length = readVarInt(c);
    const end = c.at + length;
    const attributes = c.buffer.readInt8(c.at++);
    const timestampDelta = readVarLong(c);
    const offsetDelta = readVarLong(c);
    const key = readBytes(c);
    const value = readBytes(c);
    const headerCount = readVarInt(c);
    const headers: Headers = {};
    for (let h = 0; h < headerCount; h++) {
      const keyLength = readVarInt(c);
      let name: string;
      if (keyLength < 0) name = 'null';
      else {
        name = nameAt(c.buffer, c.at, keyLength);
        c.at += keyLength;
      }
      const headerValue = readBytes(c);
      const seen = headers[name];
      headers[name] =
        seen === undefined ? headerValue : Array.isArray(seen) ? [...seen, headerValue] : [seen, headerValue];
    }
    // A record longer than the fields read (a newer format) ends where its length says.
    c.at = end;
    records[i] = {
      magicByte: context.magicByte,
      attributes,
      timestamp: appendTime
        ? context.maxTimestamp
        : plus(context.firstTimestamp, firstTimestamp, timestampDelta),
      offset: plus(context.firstOffset, firstOffset, offsetDelta),
      key,
      value,
      headers,
      isControlRecord: context.isControlBatch,
      batchContext: context,
    };
  }
  return records;
};

/** The decoder of one record batch, as kafkajs calls it (an async function of its fetch decoder). */
export const createRecordBatchDecoder =
  (deps: RecordBatchDecoderDeps) =>
  async (fetchDecoder: KafkaDecoder): Promise<Record<string, unknown>> => {
    const firstOffset = fetchDecoder.readInt64().toString();
    const length = fetchDecoder.readInt32();
    const decoder = fetchDecoder.slice(length);
    fetchDecoder.forward(length);
    const remainingBytes = decoder.buffer.length;
    if (remainingBytes < length)
      throw new deps.PartialMessageError(
        `Tried to decode a partial record batch: remainingBytes(${remainingBytes}) < recordBatchLength(${length})`,
      );
    const partitionLeaderEpoch = decoder.readInt32();
    const magicByte = decoder.readInt8();
    decoder.readInt32(); // the CRC, which kafkajs does not check either
    const attributes = decoder.readInt16();
    const lastOffsetDelta = decoder.readInt32();
    const firstTimestamp = decoder.readInt64().toString();
    const maxTimestamp = decoder.readInt64().toString();
    const producerId = decoder.readInt64().toString();
    const producerEpoch = decoder.readInt16();
    const firstSequence = decoder.readInt32();
    const recordContext = {
      firstOffset,
      firstTimestamp,
      partitionLeaderEpoch,
      inTransaction: (attributes & transactionalFlag) > 0,
      isControlBatch: (attributes & controlFlag) > 0,
      lastOffsetDelta,
      producerId,
      producerEpoch,
      firstSequence,
      maxTimestamp,
      timestampType: (attributes & timestampTypeFlag) > 0 ? logAppendTime : createTime,
    };
    const context: BatchContext = { ...recordContext, magicByte };
    const codec = deps.lookupCodecByAttributes(attributes);
    const count = decoder.readInt32();
    let records: unknown[];
    if (codec === null || codec === undefined) {
      records =
        count < 0 ? [] : decodeRecords({ buffer: decoder.buffer, at: decoder.offset }, count, context);
    } else if (count <= 0) {
      records = [];
    } else {
      const decompressed = await codec.decompress(decoder.readAll());
      records = decodeRecords({ buffer: decompressed, at: 0 }, count, context);
    }
    return { ...recordContext, records };
  };
