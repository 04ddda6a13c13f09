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

/** What the records of one batch share: its context, and its first offset and timestamp as numbers. */
type BatchShare = {
  readonly context: BatchContext;
  readonly firstOffset: number | undefined;
  readonly firstTimestamp: number | undefined;
  readonly appendTime: boolean;
};

/** Moves the cursor past a varint-prefixed field (bytes or a string; -1 is null). */
const skipBytes = (c: Cursor): void => {
  const length = readVarInt(c);
  if (length > 0) c.at += length;
};

/**
 * One record of a fetched batch, with kafkajs's fields. Its offset is read with the batch (kafkajs
 * filters on it), the rest from the batch's bytes when first asked for. A fetch is decoded whole
 * and then waits its turn behind the batches read before it: records that made their key, value
 * and header views up front (six objects each) lived long enough to reach V8's old generation,
 * which then grew a replay's heap; they are now made in the turn that reads them, and die young.
 */
class FetchedRecord {
  readonly offset: string;
  readonly attributes: number;
  readonly #share: BatchShare;
  readonly #buffer: Buffer;
  /** Where the record's key starts. */
  readonly #at: number;
  readonly #timestampDelta: number | bigint;
  #headers: Headers | undefined;

  constructor(
    share: BatchShare,
    buffer: Buffer,
    at: number,
    attributes: number,
    timestampDelta: number | bigint,
    offset: string,
  ) {
    this.#share = share;
    this.#buffer = buffer;
    this.#at = at;
    this.attributes = attributes;
    this.#timestampDelta = timestampDelta;
    this.offset = offset;
  }

  get magicByte(): number {
    return this.#share.context.magicByte;
  }

  get isControlRecord(): boolean {
    return this.#share.context.isControlBatch;
  }

  get batchContext(): BatchContext {
    return this.#share.context;
  }

  get timestamp(): string {
    const { context, firstTimestamp, appendTime } = this.#share;
    return appendTime
      ? context.maxTimestamp
      : plus(context.firstTimestamp, firstTimestamp, this.#timestampDelta);
  }

  get key(): Buffer | null {
    return readBytes({ buffer: this.#buffer, at: this.#at });
  }

  get value(): Buffer | null {
    const c = { buffer: this.#buffer, at: this.#at };
    skipBytes(c);
    return readBytes(c);
  }

  get headers(): Headers {
    if (this.#headers !== undefined) return this.#headers;
    const c = this.#headersCursor();
    const headerCount = readVarInt(c);
    const headers: Headers = {};
    for (let h = 0; h < headerCount; h++) {
      const name = this.#name(c);
      const headerValue = readBytes(c);
      const seen = headers[name];
      headers[name] =
        seen === undefined ? headerValue : Array.isArray(seen) ? [...seen, headerValue] : [seen, headerValue];
    }
    this.#headers = headers;
    return headers;
  }

  /**
   * The first value of header `name` as `text` gives it, read from the bytes with no view of
   * them made; 'null' for a null value (as `String(null)`, what a header object gives); undefined
   * when the record has none.
   */
  header(name: string, text: (buffer: Buffer, at: number, length: number) => string): string | undefined {
    const c = this.#headersCursor();
    const headerCount = readVarInt(c);
    for (let h = 0; h < headerCount; h++) {
      const found = this.#name(c) === name;
      const length = readVarInt(c);
      if (found) return length < 0 ? 'null' : text(this.#buffer, c.at, length);
      if (length > 0) c.at += length;
    }
    return undefined;
  }

  #headersCursor(): Cursor {
    const c = { buffer: this.#buffer, at: this.#at };
    skipBytes(c);
    skipBytes(c);
    return c;
  }

  #name(c: Cursor): string {
    const keyLength = readVarInt(c);
    if (keyLength < 0) return 'null';
    const name = nameAt(c.buffer, c.at, keyLength);
    c.at += keyLength;
    return name;
  }
}

/** One header of a record the decoder made, read from its bytes; false for a record it did not make. */
export const fetchedHeader = (
  record: unknown,
  name: string,
  text: (buffer: Buffer, at: number, length: number) => string,
): string | undefined | false => (record instanceof FetchedRecord ? record.header(name, text) : false);

const decodeRecords = (c: Cursor, count: number, context: BatchContext) => {
  const share: BatchShare = {
    context,
    firstOffset: safeNumber(context.firstOffset),
    firstTimestamp: safeNumber(context.firstTimestamp),
    appendTime: context.timestampType === logAppendTime,
  };
  const records: unknown[] = new Array<unknown>(count);
  for (let i = 0; i < count; i++) {
    const length = readVarInt(c);
    const end = c.at + length;
    const attributes = c.buffer.readInt8(c.at++);
    const timestampDelta = readVarLong(c);
    const offsetDelta = readVarLong(c);
    const offset = plus(context.firstOffset, share.firstOffset, offsetDelta);
    records[i] = new FetchedRecord(share, c.buffer, c.at, attributes, timestampDelta, offset);
    // A record longer than the fields read (a newer format) ends where its length says.
    c.at = end;
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
