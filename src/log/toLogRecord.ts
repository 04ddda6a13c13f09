import type { KafkaMessage } from 'kafkajs';
import type { LogRecord } from './readLog.ts';

/** A kafkajs message as the engine's LogRecord: offsets as bigint, key and headers as strings. */
export const toLogRecord = (partition: number, m: KafkaMessage): LogRecord => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(m.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? String(value[0]) : String(value);
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
