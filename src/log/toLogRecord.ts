import type { KafkaMessage } from 'kafkajs';
import type { LogRecord } from './readLog.ts';

/**
 * A kafkajs message as the engine's LogRecord: offsets as bigint, key and headers as strings.
 * It runs once per event in a replay, so it does little work per record. Header values are
 * Buffers (or arrays of them when repeated: the first is taken).
 */
export const toLogRecord = (partition: number, m: KafkaMessage): LogRecord => {
  const headers: Record<string, string> = {};
  const raw = m.headers;
  if (raw !== undefined)
    for (const name in raw) {
      const value = raw[name];
      if (value === undefined) continue;
      const first: unknown = Array.isArray(value) ? value[0] : value;
      headers[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
    }
  return {
    partition,
    offset: BigInt(m.offset),
    key: m.key === null ? null : m.key.toString('utf8'),
    value: m.value,
    headers,
    timestamp: m.timestamp,
  };
};
