import type { Position } from '../log/index.ts';

/**
 * Why an event is parked. `waiting`: its data is newer than this code, or it queues behind an
 * earlier parked event of its stream; a retry by code that knows it applies it. `failed`: its
 * handler threw, or PostgreSQL refused a row it produced; it waits for new code or an operator.
 */
export type ParkKind = 'waiting' | 'failed';

/** An event a projection version could not take, as its writer parks it. */
export type ParkedEvent = {
  readonly position: Position;
  readonly eventId: string;
  readonly streamId: string;
  readonly type: string;
  readonly writtenVersion: number;
  readonly kind: ParkKind;
  readonly reason: string;
  /** The event id it queues behind (the first parked event of its stream), or null. */
  readonly behind: string | null;
  /** The record value as read from the log. */
  readonly envelope: Buffer;
};

/**
 * Text as PostgreSQL can store it: NUL (which no text column holds) written as the six
 * characters `\u0000`. Ids and reasons of a parked event go through it, so that parking the
 * very event whose NUL was refused cannot be refused in turn.
 */
export const storableText = (text: string): string => text.replaceAll('\u0000', '\\u0000');
