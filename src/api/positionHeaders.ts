import type { IncomingHttpHeaders } from 'node:http';
import { engineDefaults } from '../config/index.ts';
import { ProjectionistError } from '../errors/index.ts';
import { parsePositionToken, type OffsetVector } from '../log/index.ts';

/**
 * Read-your-writes over HTTP, in headers rather than query parameters: a read route's query
 * parameters are its table's column filters, and a column may be called `position` or `wait`.
 */
export const positionHeaders = {
  /** Request: the position token a read must show (a command's `token`). */
  position: 'projectionist-position',
  /** Request: how long to wait for it, in ms (default 5,000; at most 30,000). */
  wait: 'projectionist-wait',
  /** Request: `true` answers the read as it stands when the wait runs out, instead of 409. */
  allowStale: 'projectionist-allow-stale',
  /** Response: whether the answer may miss the token (only with allow-stale). */
  stale: 'projectionist-stale',
  /** Response: the serving version's checkpoints when it answered, as a token. */
  at: 'projectionist-position-at',
} as const;

export type PositionRequest = {
  readonly position: OffsetVector;
  readonly waitMs: number;
  readonly allowStale: boolean;
};

const refuse = (header: string, problem: string) =>
  new ProjectionistError('PRJ_VALIDATION', `${header}: ${problem}`, {
    details: { issues: [{ path: `headers.${header}`, message: problem }] },
  });

const single = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  if (Array.isArray(value)) throw refuse(name, 'give it once');
  return value;
};

/**
 * The position a read must wait for, from its headers; undefined when it names none.
 * PRJ_VALIDATION (400) for a token that is not one, one naming a partition the events topic does
 * not have (`partitions`, when known), a wait that is not a whole number of ms up to the cap, or
 * an allow-stale that is not true or false.
 */
export const readPositionRequest = (
  headers: IncomingHttpHeaders,
  partitions: number | undefined,
): PositionRequest | undefined => {
  const token = single(headers, positionHeaders.position);
  const wait = single(headers, positionHeaders.wait);
  const stale = single(headers, positionHeaders.allowStale);
  if (token === undefined) {
    if (wait !== undefined || stale !== undefined)
      throw refuse(
        positionHeaders.position,
        `missing: ${wait === undefined ? positionHeaders.allowStale : positionHeaders.wait} applies to a read at a position`,
      );
    return undefined;
  }
  const parsed = parsePositionToken(token.trim(), partitions);
  if (!parsed.ok) throw refuse(positionHeaders.position, parsed.problem);
  const { waitMs: defaultWait, maxWaitMs } = engineDefaults.readYourWrites;
  let waitMs: number = defaultWait;
  if (wait !== undefined) {
    if (!/^\d{1,9}$/.test(wait.trim()) || Number(wait) > maxWaitMs)
      throw refuse(positionHeaders.wait, `expected a whole number of milliseconds from 0 to ${maxWaitMs}`);
    waitMs = Number(wait);
  }
  if (stale !== undefined && stale !== 'true' && stale !== 'false')
    throw refuse(positionHeaders.allowStale, 'expected true or false');
  return { position: parsed.positions, waitMs, allowStale: stale === 'true' };
};
