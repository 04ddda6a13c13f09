export type Flag = {
  readonly type: 'boolean' | 'string';
  readonly multiple?: boolean;
  /** A string flag whose value must be a whole number from 1 (`--sample 1000`). */
  readonly wholeNumber?: boolean;
  /** The verb cannot run without it: missing, it is a usage error (exit 2). */
  readonly required?: boolean;
  readonly text: string;
};

/** One verb of the CLI: its words, the arguments it takes, its flags, and what it does. */
export type VerbSpec = {
  /** `status`, or a group's verb: `topics check`. */
  readonly words: string;
  readonly args: readonly string[];
  readonly flags: Readonly<Record<string, Flag>>;
  readonly summary: string;
};

const json: Flag = { type: 'boolean', text: 'print one JSON document on stdout (logs go to stderr)' };
const onVersion = ['<projection>', '<version>'] as const;

/** Every verb; `projectionist help` and each verb's `--help` are written from this list. */
export const verbSpecs = [
  {
    words: 'serve',
    args: [],
    flags: {},
    summary: 'run Projectionist (topics, workers, projections, HTTP) until SIGTERM',
  },
  {
    words: 'migrate',
    args: [],
    flags: { json },
    summary: 'create the topics and migrate the registry, as serve does at start, then exit',
  },
  {
    words: 'status',
    args: [],
    flags: {
      json,
      follow: { type: 'boolean', text: 'redraw every second until ^C (with --json: one JSON line a second)' },
    },
    summary: 'projections and versions: state, lag, rebuild progress, drift (read-only)',
  },
  {
    words: 'rebuild',
    args: onVersion,
    flags: {
      json,
      'from-scratch': { type: 'boolean', text: 'start over instead of resuming from the checkpoints' },
      follow: {
        type: 'boolean',
        text: 'show its progress until the version is ready (with --json: one JSON line a second)',
      },
    },
    summary: 'ask for a (re)build; it resumes from checkpoints unless --from-scratch',
  },
  {
    words: 'verify',
    args: onVersion,
    flags: { json },
    summary: "run the version's checks against the active version",
  },
  {
    words: 'cutover',
    args: onVersion,
    flags: {
      json,
      unverified: {
        type: 'boolean',
        text: 'cut over to a version that declares no checks (nothing compares it with the active one)',
      },
    },
    summary: 'switch reads to a caught-up, verified version (one transaction)',
  },
  {
    words: 'rollback',
    args: ['<projection>'],
    flags: { json },
    summary: 'switch reads back to the version active before',
  },
  { words: 'retire', args: onVersion, flags: { json }, summary: 'drop a version that does not serve reads' },
  {
    words: 'pause',
    args: onVersion,
    flags: { json },
    summary: "stop a version's work (its checkpoints stay)",
  },
  { words: 'resume', args: onVersion, flags: { json }, summary: 'restart a paused version' },
  {
    words: 'cancel',
    args: onVersion,
    flags: { json },
    summary: 'stop a build, keeping its checkpoints (rebuild resumes it)',
  },
  { words: 'parked list', args: onVersion, flags: { json }, summary: 'the events a version parked, and why' },
  {
    words: 'parked retry',
    args: onVersion,
    flags: { json, event: { type: 'string', text: 'only this event id' } },
    summary: 'apply parked events again (the writer takes the request within seconds)',
  },
  {
    words: 'parked skip',
    args: onVersion,
    flags: { json, event: { type: 'string', text: 'only this event id' } },
    summary: 'give parked events up (one, or every failed one)',
  },
  {
    words: 'topics check',
    args: [],
    flags: { json },
    summary: 'report topics whose config would lose history, and truncated partitions (read-only)',
  },
  {
    words: 'plan',
    args: onVersion,
    flags: {
      json,
      'from-scratch': { type: 'boolean', text: 'plan a rebuild from scratch (the schema dropped first)' },
    },
    summary:
      'print the DDL, target offsets, checks and cutover SQL a rebuild and cutover would run; changes nothing (a read-only transaction)',
  },
  {
    words: 'plan retire',
    args: onVersion,
    flags: { json },
    summary: 'print the SQL retire would run; changes nothing (a read-only transaction)',
  },
  {
    words: 'plan rollback',
    args: ['<projection>'],
    flags: { json },
    summary: 'print the SQL rollback would run; changes nothing (a read-only transaction)',
  },
  {
    words: 'check',
    args: [],
    flags: {
      json,
      sample: {
        type: 'string',
        wholeNumber: true,
        text: 'read only the first N/2 and the last N/2 offsets of each partition (default: everything)',
      },
      strict: { type: 'boolean', text: 'event types no projection handles fail the check too' },
    },
    summary:
      'the deploy gate: judge every record of the events and commands topics with this code; exit 3 on findings (read-only)',
  },
  {
    words: 'dead-letters list',
    args: [],
    flags: { json },
    summary: 'every dead letter, judged again by the current contracts',
  },
  {
    words: 'dead-letters redrive',
    args: [],
    flags: {
      json,
      offset: { type: 'string', multiple: true, text: 'only the dead letter at this offset (repeatable)' },
    },
    summary: 'send re-drivable dead letters back to the commands topic',
  },
  {
    words: 'staging refresh',
    args: [],
    flags: { json },
    summary: 'rebuild the staging database from the production log, anonymized',
  },
  {
    words: 'staging scan',
    args: [],
    flags: {
      canary: {
        type: 'string',
        required: true,
        text: 'a file of canary values, one a line (emails, names, phones, ids ...)',
      },
      json,
    },
    summary:
      'look for canary values in the staging database and topics; exit 3 when one is found (read-only)',
  },
] as const satisfies readonly VerbSpec[];

export type VerbName = (typeof verbSpecs)[number]['words'];
