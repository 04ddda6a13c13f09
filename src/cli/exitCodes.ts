/** What the CLI's exit status means; scripts may rely on these. */
export const exitCodes = {
  ok: 0,
  /** Something failed that a retry may fix (a service down, a timeout). */
  failed: 1,
  /** Bad usage or bad configuration: fix the command line or the environment. */
  usage: 2,
  /** The operation was refused as unsafe (truncated log, not caught up, active version). */
  refused: 3,
} as const;
