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

/** What the filter did with the events of one type. Holds counts and names, never values. */
export type TypeSummary = {
  readonly passed: number;
  readonly dropped: Readonly<Partial<Record<DropReason, number>>>;
  /** Data fields left out of passed events because the contract does not declare (or tag) them, by path. */
  readonly strippedFields: Readonly<Record<string, number>>;
  /** Metadata keys left out of passed events because they are not allow-listed (or could not be anonymized). */
  readonly strippedMetadata: Readonly<Record<string, number>>;
};

/** Plain data, for the refresh to print and store. Types whose names are not plain show as '?'. */
export type StagingSummary = {
  readonly passed: number;
  readonly dropped: number;
  readonly types: Readonly<Record<string, TypeSummary>>;
};
