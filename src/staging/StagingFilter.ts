import type { Envelope } from '../log/index.ts';
import type { DropReason, StagingSummary } from './StagingSummary.ts';

/** What the filter answers for one envelope: its anonymized copy, or why it must not pass. */
export type StagingVerdict =
  | { readonly status: 'pass'; readonly envelope: Envelope }
  | { readonly status: 'drop'; readonly reason: DropReason };

export type StagingFilter = {
  /**
   * Anonymizes one envelope, data in the shape of the version it was written in (the refresh
   * upcasts after). Never throws and never passes a value it could not read. The input is not
   * changed; the output may share values kept as they are with it.
   */
  filter(envelope: Envelope): StagingVerdict;
  /** Counts so far, per type, as plain data. */
  summary(): StagingSummary;
};
