import type { Position } from '../log/index.ts';
import type { PoisonPolicy } from '../definitions/index.ts';

/**
 * How a run parks the events its version cannot take, instead of stopping at them: a handler
 * that throws, data newer than the code, rows PostgreSQL refuses (runBatches throws RefusedBatch
 * naming the events not committed; isolateRefused finds the ones to park among them), and every
 * later event of a stream that has a parked event. Without it (the test kit) such an event
 * stops the run as before.
 */
export type Parking = {
  readonly policy: PoisonPolicy;
  /**
   * Streams with a parked event (stored stream id, see storableText) -> the id of their first.
   * Grows as the run parks; additions whose flush never committed are taken back when it throws.
   */
  readonly blocked: Map<string, string>;
  /** The batches are parked events retried: those that apply are released, positions stay. */
  readonly retrying?: boolean;
  /** Events (by positionKey) that PostgreSQL refused: parked as failed with the reason given. */
  readonly refused?: ReadonlyMap<string, string>;
};

export const positionKey = (position: Position): string => `${position.partition}:${position.offset}`;
