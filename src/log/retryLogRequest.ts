import { setTimeout as sleep } from 'node:timers/promises';
import { engineDefaults } from '../config/index.ts';
import { ProjectionistError } from '../errors/index.ts';

/** Broker answers that mean "not yet": a topic or partition the broker does not serve yet. */
const transientTypes = new Set([
  'NOT_LEADER_FOR_PARTITION',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'REQUEST_TIMED_OUT',
]);

/** Whether a failed request may succeed when sent again: a transient answer, or a retriable error anywhere in the cause chain. */
const isTransientLogError = (error: unknown): boolean => {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const { type, retriable } = e as { type?: unknown; retriable?: unknown };
    if (typeof type === 'string' && transientTypes.has(type)) return true;
    if (retriable === true || e.name === 'KafkaJSNumberOfRetriesExceeded') return true;
    if (e instanceof NotReadyYet) return true;
  }
  return false;
};

/** Thrown inside a request to say "metadata is not complete yet, ask again". */
export class NotReadyYet extends Error {
  override readonly name = 'NotReadyYet';
}

/**
 * Runs a request until it succeeds, retrying transient broker answers with exponential backoff
 * (100 ms doubling to 2 s) for at most `timeoutMs` (default 30 s); then throws
 * PRJ_KAFKA_UNAVAILABLE with the last error as cause. Other errors are thrown at once.
 */
export const retryLogRequest = async <T>(
  what: string,
  request: () => Promise<T>,
  options: { timeoutMs?: number } = {},
): Promise<T> => {
  const deadline = Date.now() + (options.timeoutMs ?? engineDefaults.log.requestTimeoutMs);
  for (
    let delay: number = engineDefaults.log.requestBackoff.minMs;
    ;
    delay = Math.min(delay * 2, engineDefaults.log.requestBackoff.maxMs)
  ) {
    try {
      return await request();
    } catch (error) {
      if (!isTransientLogError(error)) throw error;
      if (Date.now() + delay > deadline)
        throw new ProjectionistError(
          'PRJ_KAFKA_UNAVAILABLE',
          `${what}: the broker did not serve it in time`,
          {
            cause: error,
          },
        );
      await sleep(delay);
    }
  }
};
