import { highWatermarks, listTopics, readLog, type LogClient } from '../log/index.ts';
import type { Canary, CanaryHit } from './Canary.ts';

/**
 * Scans every record of the given client's topics (events, commands, dead letters: those that
 * exist) from the earliest offset to the end seen at start, for the canary values as
 * case-insensitive substrings of the record's key, value and each header, read as UTF-8. Stops
 * at `limit` hits (`truncated`).
 */
export const scanTopics = async (options: {
  client: LogClient;
  canaries: readonly Canary[];
  limit: number;
  signal?: AbortSignal;
}): Promise<{ topics: string[]; records: number; hits: CanaryHit[]; truncated: boolean }> => {
  const { client, canaries, limit } = options;
  const held = new Set(await listTopics({ client }));
  const topics = Object.values(client.topics).filter((t) => held.has(t));
  const lowered = canaries.map((canary) => ({ canary, value: canary.value.toLowerCase() }));
  const hits: CanaryHit[] = [];
  let records = 0;
  scan: for (const topic of topics) {
    const until = await highWatermarks({ client, topic });
    for await (const batch of readLog({
      client,
      topic,
      from: 'earliest',
      until,
      ...(options.signal ? { signal: options.signal } : {}),
    })) {
      for (const record of batch.records) {
        records += 1;
        const fields: [string, string | null][] = [
          ['key', record.key],
          ['value', record.value === null ? null : record.value.toString('utf8')],
          ...Object.entries(record.headers).map(([name, text]): [string, string] => [`header ${name}`, text]),
        ];
        for (const [field, text] of fields) {
          if (text === null) continue;
          const lower = text.toLowerCase();
          for (const { canary, value } of lowered)
            if (lower.includes(value)) {
              hits.push({
                in: 'topic',
                topic,
                partition: record.partition,
                offset: record.offset.toString(),
                field,
                canary,
              });
              if (hits.length > limit) break scan;
            }
        }
      }
    }
  }
  return { topics, records, hits: hits.slice(0, limit), truncated: hits.length > limit };
};
