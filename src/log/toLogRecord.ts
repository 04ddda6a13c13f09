import type { KafkaMessage } from 'kafkajs';
import { headerNames } from './codec.ts';
import { createTextInterner } from './createTextInterner.ts';
import type { LogRecord } from './readLog.ts';

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
 * A kafkajs message as a LogRecord. It runs once per event in a replay, so the key and the
 * headers are decoded when first asked for (a replay never reads the key, and most readers ask
 * only for a header or two, which `header` decodes alone), not up front.
 */
class KafkaRecord implements LogRecord {
  readonly partition: number;
  readonly offset: bigint;
  readonly value: Buffer | null;
  readonly timestamp: string;
  readonly #rawKey: Buffer | null;
  #key: string | null | undefined;
  readonly #raw: RawHeaders | undefined;
  #headers: Readonly<Record<string, string>> | undefined;

  constructor(partition: number, m: KafkaMessage) {
    this.partition = partition;
    this.offset = BigInt(m.offset);
    this.#rawKey = m.key;
    this.value = m.value;
    this.timestamp = m.timestamp;
    this.#raw = m.headers;
  }

  get key(): string | null {
    if (this.#key === undefined) this.#key = this.#rawKey === null ? null : this.#rawKey.toString('utf8');
    return this.#key;
  }

  get headers(): Readonly<Record<string, string>> {
    if (this.#headers !== undefined) return this.#headers;
    const headers: Record<string, string> = {};
    const raw = this.#raw;
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
    return this.#headers !== undefined ? this.#headers[name] : headerValue(this.#raw?.[name]);
  }
}

/** A kafkajs message as the engine's LogRecord: offsets as bigint, key and headers as strings. */
export const toLogRecord = (partition: number, m: KafkaMessage): LogRecord => new KafkaRecord(partition, m);

/** One header of a record, decoding no other when the record came from kafkajs. */
export const recordHeader = (record: LogRecord, name: string): string | undefined =>
  record instanceof KafkaRecord ? record.header(name) : record.headers[name];

/** A record's pj-type header. */
export const recordType = (record: LogRecord): string | undefined => recordHeader(record, headerNames.type);
