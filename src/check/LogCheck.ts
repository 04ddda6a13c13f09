/** Which topic of the deployment a line of the report is about. */
export type CheckedTopic = 'events' | 'commands';

/** Records of one type and version in one topic, by what the code makes of them. */
export type TypeCount = {
  readonly topic: CheckedTopic;
  /** Null for records that are not envelopes and carry no pj-type header. */
  readonly type: string | null;
  readonly version: number | null;
  readonly records: number;
  readonly ok: number;
  /** The engine's own records (command outcomes), which no contract reads. */
  readonly engine: number;
  readonly tooNew: number;
  readonly rejected: number;
};

/** One record the code about to be deployed cannot read. */
export type Finding = {
  readonly topic: CheckedTopic;
  readonly partition: number;
  /** A decimal string, as every offset outside memory. */
  readonly offset: string;
  readonly type: string | null;
  readonly version: number | null;
  readonly problem: 'too-new' | 'rejected';
  readonly reason: string;
};

/** An event type in the log that no projection version reads, and who else does. */
export type UnhandledType = {
  readonly type: string;
  readonly records: number;
  /** `reactor <name>`, `command side` (its aggregate folds it); empty when nothing reads it. */
  readonly readBy: readonly string[];
};

/** What `projectionist check` found. */
export type LogCheck = {
  /** No finding (and, when strict, no unhandled type): a deploy may go on. */
  readonly clean: boolean;
  /** `--sample N`, or null for a scan of everything. */
  readonly sample: number | null;
  readonly strict: boolean;
  readonly topics: readonly {
    readonly topic: CheckedTopic;
    readonly name: string;
    readonly records: number;
    /** Per partition, the offsets read (from inclusive, until exclusive; two ranges with a sample). */
    readonly ranges: readonly { readonly partition: number; readonly from: string; readonly until: string }[];
  }[];
  readonly types: readonly TypeCount[];
  /** The first findings, in log order per topic (at most `maxFindings`); `findingsTotal` counts all. */
  readonly findings: readonly Finding[];
  readonly findingsTotal: number;
  readonly unhandled: readonly UnhandledType[];
  readonly tookMs: number;
};
