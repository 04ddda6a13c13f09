import type { z } from 'zod';
import type { PiiTag } from './piiTag.ts';

export type ContractKind = 'event' | 'command';

/** One historical version of a message type's data. */
export type ContractVersion = {
  /** 1 for the first version, then 2, 3, ... without gaps. */
  readonly version: number;
  readonly schema: z.ZodObject;
  /** Data payloads as they appeared on the log in this version; tested through the upcasters. */
  readonly samples: readonly unknown[];
  /**
   * Turns data of the previous version, already validated by that version's schema, into this
   * version's shape. Absent on version 1. Pure: the same input always gives the same output.
   * (Method syntax, so that upcasters typed by their own versions fit this common type.)
   */
  upcast?(previous: unknown): unknown;
};

/**
 * A message type with all of its versions. Writers write only the newest version; readers
 * accept every version and upcast it, so a handler only ever sees the newest shape, `S`.
 */
export type Contract<
  K extends ContractKind = ContractKind,
  T extends string = string,
  S extends z.ZodObject = z.ZodObject,
> = {
  readonly kind: K;
  readonly type: T;
  /** What the stream id of this message's stream is, as personal data. */
  readonly streamId: PiiTag;
  /** Ordered from version 1 to the newest. */
  readonly versions: readonly ContractVersion[];
  readonly latestVersion: number;
  /** The newest version's schema: every decoded value has its shape. */
  readonly schema: S;
};

export type EventContract<T extends string = string, S extends z.ZodObject = z.ZodObject> = Contract<
  'event',
  T,
  S
>;

/** The newest shape of a contract's data: what handlers, deciders and folds see. */
export type DataOf<C extends Contract> = z.output<C['schema']>;
