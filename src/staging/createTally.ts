import type { DropReason, StagingSummary, TypeSummary } from './StagingSummary.ts';

/** The mutable counters of one type, held by its plan so that counting costs no lookup. */
export type TypeTally = {
  passed: number;
  readonly dropped: Map<DropReason, number>;
  readonly strippedFields: Map<string, number>;
  readonly strippedMetadata: Map<string, number>;
};

export type Tally = {
  /** The counters of a type that has a contract. */
  known(type: string): TypeTally;
  /**
   * The counters shared by every type from the log that has none, shown as '(unknown type)':
   * a type no contract declares is a name found in the data, and might be data.
   */
  unknown(): TypeTally;
  summary(): StagingSummary;
};

/** The summary entry of every event whose type has no contract. */
export const unknownType = '(unknown type)';

// Names are contract paths, so they are bounded by the contracts; the cap only guards against
// a contract so large that its summary would be unreadable.
const maxEntries = 200;
const overflow = '(more)';

/** Adds one to a count, folding new names past the cap into '(more)'. */
export const bump = <K extends string>(counts: Map<K | typeof overflow, number>, key: K): void => {
  const slot = counts.has(key) || counts.size < maxEntries ? key : overflow;
  counts.set(slot, (counts.get(slot) ?? 0) + 1);
};

const newTally = (): TypeTally => ({
  passed: 0,
  dropped: new Map(),
  strippedFields: new Map(),
  strippedMetadata: new Map(),
});

const toSummary = (tally: TypeTally): TypeSummary => ({
  passed: tally.passed,
  dropped: Object.fromEntries(tally.dropped),
  strippedFields: Object.fromEntries(tally.strippedFields),
  strippedMetadata: Object.fromEntries(tally.strippedMetadata),
});

export const createTally = (): Tally => {
  const types = new Map<string, TypeTally>();
  const get = (name: string): TypeTally => {
    const existing = types.get(name);
    if (existing !== undefined) return existing;
    const tally = newTally();
    types.set(name, tally);
    return tally;
  };
  return {
    known: (type) => get(type),
    unknown: () => get(unknownType),
    summary: () => {
      const seen = [...types].filter(([, tally]) => tally.passed > 0 || tally.dropped.size > 0);
      let passed = 0;
      let dropped = 0;
      for (const [, tally] of seen) {
        passed += tally.passed;
        for (const count of tally.dropped.values()) dropped += count;
      }
      return {
        passed,
        dropped,
        types: Object.fromEntries(seen.map(([type, tally]) => [type, toSummary(tally)])),
      };
    },
  };
};
