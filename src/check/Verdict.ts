/**
 * What the code about to be deployed makes of one record of the log. `engine` is a record the
 * engine writes for itself (a command's outcome), read by no contract; `too-new` is a version
 * newer than this code (readers would wait on it); `rejected` is a record no contract accepts
 * (not an envelope, an unknown type, data no version's schema or upcaster takes).
 */
export type Verdict =
  | { readonly status: 'ok' | 'engine'; readonly type: string; readonly version: number }
  | {
      readonly status: 'too-new' | 'rejected';
      /** Null when the record is not an envelope and carries no pj-type header. */
      readonly type: string | null;
      readonly version: number | null;
      readonly reason: string;
    };
