import type { ProjectionCheck, TablesSpec } from '../definitions/index.ts';

/** One check's outcome. Numbers are decimal strings: counts and sums may pass 2^53. */
export type CheckResult = {
  readonly check: string;
  readonly kind: ProjectionCheck<TablesSpec>['kind'];
  /** The old version's value (same-count, same-sum), "0" rows (no-rows); null with nothing to compare to. */
  readonly expected: string | null;
  readonly actual: string | null;
  readonly ok: boolean;
  /** Why it could not run, or why there was nothing to compare with. */
  readonly note?: string;
  /** no-rows: up to three of the rows that should not exist. */
  readonly sample?: readonly Record<string, unknown>[];
  /** same-rows: how the contents compare (expected and actual are then the two sides' row counts). */
  readonly content?: ContentComparison;
};

/** A key whose row differs: only in the active version (`missing`), only here (`extra`), or in both but not equal. */
export type DifferingKey = {
  /** The key's columns, as PostgreSQL's text. */
  readonly key: Readonly<Record<string, string | null>>;
  readonly side: 'missing' | 'extra' | 'changed';
};

/** A same-rows check's comparison: checksums per key range, then the rows of the ranges that differ. */
export type ContentComparison = {
  readonly ranges: number;
  readonly differingRanges: number;
  /** Rows that differ in those ranges (missing, extra or changed). */
  readonly differingRows: number;
  /** The first of them in key order, up to engineDefaults.verification.differingKeys. */
  readonly firstKeys: readonly DifferingKey[];
};

/**
 * passed: every declared check held; failed: one did not; unverified: the version declares no
 * checks, so nothing was compared (a cutover of it over an active version needs `--unverified`).
 */
export type VerificationOutcome = 'passed' | 'failed' | 'unverified';

/** What verifyVersion found; plain JSON, so that it can be stored and served as it is. */
export type Verification = {
  readonly name: string;
  readonly version: number;
  /** The version compared with (the active one), or null when there is none. */
  readonly against: number | null;
  /** Every declared check held; false for an unverified version too (see `outcome`). */
  readonly passed: boolean;
  readonly outcome: VerificationOutcome;
  /**
   * Both versions had committed the same log positions when the checks ran, so the comparison
   * is exact. False when writes kept them apart for the whole `alignWaitMs`: counts may differ
   * by the events in flight.
   */
  readonly aligned: boolean;
  /** Committed positions of the version and of the one compared with, as the checks saw them. */
  readonly positions: Readonly<Record<string, string>>;
  readonly againstPositions: Readonly<Record<string, string>> | null;
  /** ISO time of the snapshot. */
  readonly at: string;
  readonly results: readonly CheckResult[];
};
