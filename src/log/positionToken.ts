import type { OffsetVector } from './offsets.ts';

/** The outcome of reading a position token: the vector, or what is wrong with the text. */
export type ParsedPositionToken =
  { readonly ok: true; readonly positions: OffsetVector } | { readonly ok: false; readonly problem: string };

/** Longest token accepted, in characters: room for a few hundred partitions, not for a hostile header. */
const maxTokenLength = 4_096;

/**
 * A position token in text: `<partition>:<offset>` pairs joined by commas, partitions ascending
 * (`3:1042,5:77`). Each offset is a next offset: a reader has passed the token when its next
 * offset to read is at least that on every partition named. Readable in a header or a log line,
 * and two tokens merge by taking the larger offset per partition.
 */
export const formatPositionToken = (positions: OffsetVector): string =>
  [...positions]
    .sort(([a], [b]) => a - b)
    .map(([partition, offset]) => `${partition}:${offset}`)
    .join(',');

/**
 * Reads a token as `formatPositionToken` writes it. Answers the problem (for a 400) when the text
 * is not one; `partitions`, when given, is how many the events topic has: a token naming another
 * partition was not made by this deployment.
 */
export const parsePositionToken = (text: string, partitions?: number): ParsedPositionToken => {
  if (text.length === 0) return { ok: false, problem: 'is empty; expected <partition>:<offset>[,...]' };
  if (text.length > maxTokenLength)
    return {
      ok: false,
      problem: `is ${text.length} characters long; at most ${maxTokenLength} are accepted`,
    };
  const positions = new Map<number, bigint>();
  for (const pair of text.split(',')) {
    const match = /^(\d{1,9}):(\d{1,19})$/.exec(pair.trim());
    if (match === null)
      return { ok: false, problem: `'${pair.slice(0, 40)}' is not <partition>:<offset> (whole numbers)` };
    const partition = Number(match[1]);
    const offset = BigInt(match[2] ?? '0');
    if (offset > 9_223_372_036_854_775_807n)
      return {
        ok: false,
        problem: `offset ${offset} of partition ${partition} is past the largest Kafka offset`,
      };
    if (positions.has(partition)) return { ok: false, problem: `partition ${partition} is named twice` };
    if (partitions !== undefined && partition >= partitions)
      return {
        ok: false,
        problem: `partition ${partition} does not exist: the events topic has ${partitions} (0 to ${partitions - 1})`,
      };
    positions.set(partition, offset);
  }
  return { ok: true, positions };
};

/** The token has been passed: `at` (next offsets, as checkpoints are) reaches it on every partition it names. */
export const passesPositions = (at: OffsetVector, token: OffsetVector): boolean => {
  for (const [partition, offset] of token) if ((at.get(partition) ?? 0n) < offset) return false;
  return true;
};
