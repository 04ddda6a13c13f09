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
};

/** What verifyVersion found; plain JSON, so that it can be stored and served as it is. */
export type Verification = {
  readonly name: string;
  readonly version: number;
  /** The version compared with (the active one), or null when there is none. */
  readonly against: number | null;
  readonly passed: boolean;
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
