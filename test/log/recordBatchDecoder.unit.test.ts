import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from 'kafkajs';
import { createRecordBatchDecoder, recordHeader } from '../../src/log/index.ts';
import { toLogRecord } from '../../src/log/toLogRecord.ts';

// The replacement of kafkajs's record batch decoder (src/log/recordBatchDecoder.ts) must give what
// kafkajs's own gives, field for field, on batches kafkajs's own encoder writes.
const require = createRequire(import.meta.url);
type Encoder = {
  writeInt8(v: number): Encoder;
  writeVarLong(v: number): Encoder;
  writeVarInt(v: number): Encoder;
  writeVarIntBytes(v: Buffer): Encoder;
  writeVarIntString(v: string): Encoder;
  writeEncoder(v: Encoder): Encoder;
  size(): number;
  readonly buffer: Buffer;
};
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => { offset: number };
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (options: Record<string, unknown>) => Promise<Encoder>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (
  record: RecordSpec & { offsetDelta: number },
) => Encoder;
const Encoder = require('kafkajs/src/protocol/encoder.js') as new () => Encoder;
const Long = require('kafkajs/src/utils/long.js') as {
  fromString(text: string): unknown;
  fromValue(value: number): unknown;
};
const { KafkaJSPartialMessageError } = require('kafkajs/src/errors.js') as {
  KafkaJSPartialMessageError: new (message: string) => Error;
};
const { lookupCodecByAttributes, Types } = require('kafkajs/src/protocol/message/compression/index.js') as {
  lookupCodecByAttributes: Parameters<typeof createRecordBatchDecoder>[0]['lookupCodecByAttributes'];
  Types: { None: number; GZIP: number };
};

type BatchDecoder = (decoder: unknown) => Promise<Record<string, unknown>>;

/** kafkajs's own decoder, evaluated afresh (the cached module is the replacement once src/log loaded). */
const original = ((): BatchDecoder => {
  const path = require.resolve('kafkajs/src/protocol/recordBatch/v0/decoder.js');
  const installed = require.cache[path];
  delete require.cache[path];
  try {
    return require(path) as BatchDecoder;
  } finally {
    if (installed !== undefined) require.cache[path] = installed;
  }
})();
const replacement = createRecordBatchDecoder({
  PartialMessageError: KafkaJSPartialMessageError,
  lookupCodecByAttributes,
}) as unknown as BatchDecoder;

type RecordSpec = {
  offsetDelta?: number;
  timestampDelta?: number;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | null | (Buffer | null)[]>;
};

/**
 * A record with a header whose value is null and one with a null name, as librdkafka can write
 * (kafkajs's encoder cannot).
 */
const nullHeaderRecord = (offsetDelta: number) => {
  const body = new Encoder()
    .writeInt8(0)
    .writeVarLong(3)
    .writeVarInt(offsetDelta)
    .writeVarIntBytes(Buffer.from('key'))
    .writeVarIntBytes(Buffer.from('value'))
    .writeVarInt(3)
    .writeVarIntString('gone')
    .writeVarInt(-1)
    .writeVarInt(-1)
    .writeVarIntBytes(Buffer.from('nameless'))
    .writeVarIntString('gone')
    .writeVarIntBytes(Buffer.from('back'));
  return new Encoder().writeVarInt(body.size()).writeEncoder(body);
};

const encodeBatch = async (options: {
  records: (RecordSpec | 'null header')[];
  firstOffset?: string;
  firstTimestamp?: number;
  compression?: number;
  transactional?: boolean;
}): Promise<Buffer> => {
  const encoder = await RecordBatch({
    compression: options.compression ?? Types.None,
    firstOffset: Long.fromString(options.firstOffset ?? '0'),
    firstTimestamp: options.firstTimestamp ?? 1_796_000_000_000,
    maxTimestamp: (options.firstTimestamp ?? 1_796_000_000_000) + 5_000,
    lastOffsetDelta: Math.max(0, options.records.length - 1),
    transactional: options.transactional ?? false,
    producerId: Long.fromValue(4242),
    producerEpoch: 3,
    firstSequence: 17,
    records: options.records.map((r, i) =>
      r === 'null header' ? nullHeaderRecord(i) : Record({ offsetDelta: i, ...r }),
    ),
  });
  return encoder.buffer;
};

type DecodedRecord = {
  magicByte: number;
  attributes: number;
  timestamp: string;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, unknown>;
  isControlRecord: boolean;
  batchContext: unknown;
};

/** A batch with its records' fields read (the replacement reads most of them when asked), as plain objects. */
const plain = (batch: Record<string, unknown>): Record<string, unknown> & { records: DecodedRecord[] } => ({
  ...batch,
  records: (batch.records as DecodedRecord[]).map((r) => ({
    magicByte: r.magicByte,
    attributes: r.attributes,
    timestamp: r.timestamp,
    offset: r.offset,
    key: r.key,
    value: r.value,
    headers: r.headers,
    isControlRecord: r.isControlRecord,
    batchContext: r.batchContext,
  })),
});

const both = async (buffer: Buffer) => ({
  kafkajs: plain(await original(new Decoder(buffer))),
  ours: plain(await replacement(new Decoder(buffer))),
});

const records: (RecordSpec | 'null header')[] = [
  {
    key: Buffer.from('stream-1'),
    value: Buffer.from('{"a":1}'),
    headers: { 'pj-type': Buffer.from('OrderPlaced') },
  },
  { key: null, value: Buffer.from('é ü 漢字'), timestampDelta: 1234 },
  { key: Buffer.from('k'), value: null, timestampDelta: -7 },
  {
    key: Buffer.from(''),
    value: Buffer.alloc(0),
    headers: {
      twice: [Buffer.from('1'), Buffer.from('2')],
      thrice: [Buffer.from('a'), Buffer.from('b'), Buffer.from('c')],
    },
  },
  'null header',
  {
    key: Buffer.from('big'),
    value: Buffer.alloc(70_000, 7),
    timestampDelta: 2 ** 40,
    headers: { ключ: Buffer.from('значение') },
  },
];

describe('the record batch decoder', () => {
  it('decodes what kafkajs decodes: keys, values, headers (repeated, null), offsets and timestamps', async () => {
    const { kafkajs, ours } = await both(await encodeBatch({ records, firstOffset: '1000' }));
    expect(ours).toEqual(kafkajs);
    expect((ours.records as { offset: string }[]).map((r) => r.offset)).toEqual([
      '1000',
      '1001',
      '1002',
      '1003',
      '1004',
      '1005',
    ]);
  });

  it('decodes header names it has seen before as it did the first time, past its bound of known names', async () => {
    // 40 distinct names of the same length (more than the 32 it remembers), names sharing their
    // first bytes, and a multi-byte one; twice each, in two batches, so the second reads them known.
    const names = [
      ...Array.from({ length: 40 }, (_, i) => `name-${String(i).padStart(2, '0')}`),
      'pj-type',
      'pj-typf',
      'pj-ty',
      'ключ',
    ];
    const many: RecordSpec[] = names.map((name, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.from('{}'),
      headers: { [name]: Buffer.from(String(i)), 'pj-type': Buffer.from('T') },
    }));
    for (const firstOffset of ['0', '100']) {
      const { kafkajs, ours } = await both(await encodeBatch({ records: many, firstOffset }));
      expect(ours).toEqual(kafkajs);
      expect((ours.records as { headers: object }[]).map((r) => Object.keys(r.headers)[0])).toEqual(names);
    }
  });

  it('reads one header from the bytes as the whole headers give it, asked before or after them', async () => {
    const batch = await replacement(new Decoder(await encodeBatch({ records, firstOffset: '7' })));
    const decoded = batch.records as KafkaMessage[];
    const names = ['pj-type', 'twice', 'thrice', 'gone', 'null', 'ключ', 'absent'];
    const before = decoded.map((m) => {
      const record = toLogRecord(0, m);
      return names.map((name) => recordHeader(record, name));
    });
    const after = decoded.map((m) => {
      const record = toLogRecord(0, m);
      const headers = { ...record.headers };
      return names.map((name) => [recordHeader(record, name), headers[name]]);
    });
    for (const pairs of after) for (const [one, all] of pairs) expect(one).toBe(all);
    expect(before).toEqual(after.map((r) => r.map(([one]) => one)));
    expect(before[0]?.[0]).toBe('OrderPlaced');
    expect(before[3]?.slice(1, 3)).toEqual(['1', 'a']);
    expect(before[4]?.slice(3, 5)).toEqual(['null', 'nameless']);
    expect(before[5]?.[5]).toBe('значение');
    expect(before.map((r) => r[6])).toEqual(decoded.map(() => undefined));
    expect(decoded.map((m) => toLogRecord(0, m).value?.toString())).toEqual(
      records.map((r) => (r === 'null header' ? 'value' : r.value?.toString())),
    );
  });

  it('decodes offsets past 2^53 exactly, and transactional batches', async () => {
    const firstOffset = (2n ** 60n + 5n).toString();
    const { kafkajs, ours } = await both(await encodeBatch({ records, firstOffset, transactional: true }));
    expect(ours).toEqual(kafkajs);
    expect((ours.records as { offset: string }[])[5]?.offset).toBe((2n ** 60n + 10n).toString());
    expect(ours.inTransaction).toBe(true);
  });

  it('decodes gzip-compressed batches', async () => {
    const { kafkajs, ours } = await both(await encodeBatch({ records, compression: Types.GZIP }));
    expect(ours).toEqual(kafkajs);
    expect(ours.records).toHaveLength(records.length);
  });

  it('decodes an empty batch', async () => {
    const { kafkajs, ours } = await both(await encodeBatch({ records: [] }));
    expect(ours).toEqual(kafkajs);
  });

  it('refuses a cut-off batch with the error decodeMessages stops at', async () => {
    const whole = await encodeBatch({ records });
    const cut = whole.subarray(0, whole.length - 10);
    await expect(original(new Decoder(cut))).rejects.toBeInstanceOf(KafkaJSPartialMessageError);
    await expect(replacement(new Decoder(cut))).rejects.toBeInstanceOf(KafkaJSPartialMessageError);
  });

  it('reads one batch and leaves the fetch decoder at the next', async () => {
    const two = Buffer.concat([
      await encodeBatch({ records }),
      await encodeBatch({ records, firstOffset: '5' }),
    ]);
    const decoder = new Decoder(two);
    await replacement(decoder);
    const second = await replacement(decoder);
    expect(second.firstOffset).toBe('5');
    expect(decoder.offset).toBe(two.length);
  });
});
