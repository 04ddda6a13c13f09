/**
 * Why the filter dropped an event:
 * - `malformed`: the envelope itself is not one (a missing stream id, a version that is no number).
 * - `unknown-type`: no contract has this type; staging cannot know what is personal in it.
 * - `too-new`: the version is newer than the running contracts; staging cannot read it.
 * - `invalid`: the data does not parse against the schema of the version it claims.
 * - `unanonymizable`: a strategy could not change a value (a number where a fake email was
 *   wanted) or the anonymized data no longer parses against its schema.
 */
export type DropReason = 'malformed' | 'unknown-type' | 'too-new' | 'invalid' | 'unanonymizable';

/**
 * What the filter did with the events of one type. Holds counts and contract paths, never
 * values, and never a key found in the data: a stray key may be a customer id or an email.
 */
export type TypeSummary = {
  readonly passed: number;
  readonly dropped: Readonly<Partial<Record<DropReason, number>>>;
  /**
   * Data fields left out of passed events, by version and contract path: a declared field the
   * contract does not tag by its path (`v2 data.notes`), keys it does not declare as `*` under
   * the path of their object (`v2 data.*`, `v2 data.address.*`, `v2 data.lines[].*`).
   */
  readonly strippedFields: Readonly<Record<string, number>>;
  /**
   * Metadata keys left out of passed events: `metadata.<key>` for an allow-listed key whose
   * value its strategy could not change, `metadata.*` for keys not allow-listed.
   */
  readonly strippedMetadata: Readonly<Record<string, number>>;
};

/**
 * Plain data, for the refresh to print and store. Types are the contracts'; every event whose
 * type has none counts under '(unknown type)'.
 */
export type StagingSummary = {
  readonly passed: number;
  readonly dropped: number;
  readonly types: Readonly<Record<string, TypeSummary>>;
};
