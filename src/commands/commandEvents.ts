import type { SliceDecisions } from './decideSlice.ts';

/** Why the HTTP intake refused a request, from the status it answered. */
export type IntakeRefusal =
  'invalid' | 'too-large' | 'unsupported-media-type' | 'kafka-unavailable' | 'failed';

/** The command side's lifecycle, as typed events (metrics, tests). */
export type CommandEvents = {
  /** Commands the HTTP intake put durably on the commands topic (202). */
  'intake:accepted': { readonly count: number };
  /** A request to the HTTP intake refused, and why; none of its commands was sent. */
  'intake:refused': { readonly reason: IntakeRefusal; readonly status: number };
  /** A worker's slice committed (events, outcomes, dead letters and offset in one transaction): what it decided. */
  'commands:decided': SliceDecisions['counts'] & { readonly partition: number };
};
