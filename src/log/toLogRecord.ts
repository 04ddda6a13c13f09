import type { KafkaMessage } from 'kafkajs';
import { headerNames } from './codec.ts';
import { createTextInterner } from './createTextInterner.ts';
import type { LogRecord } from './readLog.ts';
import { fetchedHeader } from './recordBatchDecoder.ts';

type RawHeaders = NonNullable<KafkaMessage['headers']>;

/** A header's value as text: kafkajs gives Buffers (or arrays of them when repeated: the first is taken). */
const headerText = (value: RawHeaders[string]): string | undefined => {
  if (value === undefined) return undefined;
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
};

/**
 * Values of the headers read one by one (pj-type and pj-schema, on every record of a replay):
 * a topic's few types and schemas recur, so they are found by their bytes instead of decoded.
 */
const internValue = createTextInterner({ max: 64, maxBytes: 64 });

const headerValue = (value: RawHeaders[string]): string | undefined =>
  Buffer.isBuffer(value) ? internValue(value, 0, value.length) : headerText(value);

/**
 * A kafkajs message as a LogRecord. It runs once per event in a replay, as the fetch that brought
 * it is handed over, so nothing is read from the message here: value, key and headers are read
 * when first asked for (a replay never reads the key, and most readers ask only for a header or
 * two, which `header` reads alone, from the bytes when the message came from this project's
 * decoder, src/log/recordBatchDecoder.ts).
 */
class KafkaRecord implements LogRecord {
  readonly partition: number;
  readonly offset: bigint;
  readonly #m: KafkaMessage;
  #key: string | null | undefined;
  #headers: Readonly<Record<string, string>> | undefined;

  constructor(partition: number, offset: bigint, m: KafkaMessage) {
    this.partition = partition;
    this.offset = offset;
    this.#m = m;
  }

  get value(): Buffer | null {
    return this.#m.value;
  }

  get timestamp(): string {
    return this.#m.timestamp;
  }

  get key(): string | null {
    if (this.#key === undefined) {
      const raw = this.#m.key;
      this.#key = raw === null || raw === undefined ? null : raw.toString('utf8');
    }
    return this.#key;
  }

  get headers(): Readonly<Record<string, string>> {
    if (this.#headers !== undefined) return this.#headers;
    const headers: Record<string, string> = {};
    const raw = this.#m.headers;
    if (raw !== undefined)
      for (const name in raw) {
        const text = headerText(raw[name]);
        if (text !== undefined) headers[name] = text;
      }
    this.#headers = headers;
    return headers;
  }

  /** One header alone, decoding no other. */
  header(name: string): string | undefined {
    if (this.#headers !== undefined) return this.#headers[name];
    const fetched = fetchedHeader(this.#m, name, internValue);
    return fetched === false ? headerValue(this.#m.headers?.[name]) : fetched;
  }
}

/** A kafkajs message as the engine's LogRecord: offsets as bigint, key and headers as strings. */
export const toLogRecord = (
  partition: number,
  m: KafkaMessage,
  offset: bigint = BigInt(m.offset),
): LogRecord => new KafkaRecord(partition, offset, m);

/** One header of a record, decoding no other when the record came from kafkajs. */
export const recordHeader = (record: LogRecord, name: string): string | undefined =>
  record instanceof KafkaRecord ? record.header(name) : record.headers[name];

/** A record's pj-type header. */
export const recordType = (record: LogRecord): string | undefined => recordHeader(record, headerNames.type);
