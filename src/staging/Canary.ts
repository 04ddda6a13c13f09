/** One value of a canary file: a personal value planted in production that staging must never hold. */
export type Canary = {
  /** The value as written in the file (trimmed). */
  readonly value: string;
  /** Its line in the file, from 1. */
  readonly line: number;
};

/** Where a canary value was found. */
export type CanaryHit =
  | {
      readonly in: 'database';
      readonly schema: string;
      readonly table: string;
      readonly column: string;
      /** The row's primary key as JSON (`{"id":"…"}`), or `{"ctid":"(0,1)"}` when the table has none. */
      readonly key: string;
      readonly canary: Canary;
    }
  | {
      readonly in: 'topic';
      readonly topic: string;
      readonly partition: number;
      /** A decimal string. */
      readonly offset: string;
      /** `key`, `value`, or `header <name>`. */
      readonly field: string;
      readonly canary: Canary;
    };
