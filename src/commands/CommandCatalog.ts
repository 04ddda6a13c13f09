/**
 * What the command side needs from the message contracts (events/): decoding any known version
 * of a command to its newest shape, the decider, the aggregate fold, and the newest version of
 * each event type (writers always write the newest). Built from the contracts registry by
 * `catalogFromContracts`; unit tests may fake it.
 */
export type DecodedMessage =
  | { readonly status: 'ok'; readonly value: unknown; readonly fromVersion: number }
  | { readonly status: 'too-new'; readonly version: number; readonly known: number }
  | { readonly status: 'unknown-type' }
  | { readonly status: 'invalid'; readonly issues: readonly { path: string; message: string }[] };

/** A catalog's issues as one line, for a reason: "address.city: Invalid input; email: …". */
export const describeMessageIssues = (issues: readonly { path: string; message: string }[]): string =>
  issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');

export type Decision =
  | { readonly events: readonly { readonly type: string; readonly data: unknown }[] }
  | { readonly rejected: string };

export type CommandCatalog = {
  decodeCommand(type: string, version: number, data: unknown): DecodedMessage;
  decodeEvent(type: string, version: number, data: unknown): DecodedMessage;
  /** Newest version of a command type, or undefined when the type is unknown. */
  latestCommandVersion(type: string): number | undefined;
  latestEventVersion(type: string): number;
  /**
   * A decided event's data checked against its type's newest version, as it will be read: the
   * schema's fingerprint for the record's `pj-schema` header when readers at that very schema
   * need not validate it again (see checkNewest in src/contracts).
   */
  checkEvent(
    type: string,
    data: unknown,
  ):
    | { readonly status: 'ok'; readonly schema: string | undefined }
    | { readonly status: 'invalid'; readonly issues: readonly { path: string; message: string }[] };
  /** The aggregate (stream kind) a command acts on. */
  aggregateOf(commandType: string): string;
  /** Every event type some aggregate folds: what the command-state projection reads. */
  foldedEventTypes(): readonly string[];
  /** The aggregate an event type folds into, if any. */
  aggregateOfEvent(eventType: string): string | undefined;
  initialState(aggregate: string): unknown;
  evolve(aggregate: string, state: unknown, event: { type: string; data: unknown }): unknown;
  decide(commandType: string, command: unknown, state: unknown): Decision;
};
