import type { Statement } from '../db/index.ts';

/** How long each lock of the transaction it runs in may be waited for; ends with the transaction. */
export const lockTimeoutStatement = (lockTimeoutMs: number): Statement => ({
  text: `select set_config('lock_timeout', $1, true)`,
  values: [`${lockTimeoutMs}ms`],
});
