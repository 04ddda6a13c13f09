import type { ProjectionDefinition } from '../../../src/definitions/index.ts';

/** The fields of a decoded event (data in its newest shape) that the hand-written peers read. */
export type PeerEvent = {
  readonly type: string;
  readonly streamId: string;
  readonly time: string;
  readonly data: unknown;
};

/** A value of a row as the peers hold it; written to COPY in PostgreSQL's text form. */
export type PeerValue = string | number | bigint | boolean | null;

/** One SQL statement with its parameters. */
export type Statement = {
  readonly text: string;
  readonly values: readonly (string | number | boolean | null)[];
};

/** The in-memory state of one plain JS fold. */
export type PeerFold = {
  apply(event: PeerEvent): void;
  /** Every table's rows (column name to value), by table name. */
  rows(): ReadonlyMap<string, Iterable<Readonly<Record<string, PeerValue>>>>;
};

/**
 * A projection written by hand twice, without the engine: as a plain JS fold over maps (the
 * no-broker ceiling) and as one SQL statement per event (the kafkajs eachMessage peer). Both must
 * leave the rows the engine's projection leaves; the peers bench compares their checksums.
 */
export type PeerProjection = {
  /** The projection it reproduces: its tables are the ones every system fills. */
  readonly definition: ProjectionDefinition;
  /** The event types it reads; others are passed over. */
  readonly types: ReadonlySet<string>;
  createFold(): PeerFold;
  /** The statement an event becomes, or undefined when it changes nothing. */
  statement(event: PeerEvent): Statement | undefined;
};

/** The qualified name of one of the definition's tables, for hand-written SQL. */
export const tableName = (definition: ProjectionDefinition, table: string): string => {
  const model = definition.model.tables.get(table);
  if (model === undefined) throw new Error(`${definition.name} has no table ${table}`);
  return model.qualified;
};
