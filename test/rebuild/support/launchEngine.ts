import { kafkaBrokers } from '../../harness/testServices.ts';
import { launchNode } from '../../harness/launchNode.ts';

export type Line = {
  event: string;
  name?: string;
  version?: number;
  total?: string;
  from?: string;
  resumed?: boolean;
  target?: Record<string, string>;
  applied?: string;
  at?: string;
  message?: string;
  fromVersion?: number | null;
  to?: number;
  actor?: string;
  code?: string;
};

/** An engine process (fixtures/engineProcess.ts): its output lines as they come, and a way to wait for one. */
export const launchEngine = (options: {
  prefix: string;
  databaseUrl: string;
  holder: string;
  versions: string;
  leaseTtlMs: number;
  /** The row cache bound: a flush (and a progress line) every this many rows. */
  maxRows: number;
  /** The engine's cutover policy (default manual) and its automatic cutovers' lock options. */
  policy?: 'auto' | 'manual';
  lockTimeoutMs?: number;
  maxWaitMs?: number;
  autoCutoverRetryMs?: number;
}) => {
  const launched = launchNode<Line>({
    label: options.holder,
    script: 'test/rebuild/fixtures/engineProcess.ts',
    json: true,
    env: {
      PJ_BROKERS: kafkaBrokers().join(','),
      PJ_PREFIX: options.prefix,
      PJ_DATABASE_URL: options.databaseUrl,
      PJ_HOLDER: options.holder,
      PJ_VERSIONS: options.versions,
      PJ_LEASE_TTL_MS: String(options.leaseTtlMs),
      PJ_MAX_ROWS: String(options.maxRows),
      PJ_POLICY: options.policy ?? 'manual',
      PJ_LOCK_TIMEOUT_MS: options.lockTimeoutMs === undefined ? '' : String(options.lockTimeoutMs),
      PJ_MAX_WAIT_MS: options.maxWaitMs === undefined ? '' : String(options.maxWaitMs),
      PJ_AUTO_CUTOVER_RETRY_MS:
        options.autoCutoverRetryMs === undefined ? '' : String(options.autoCutoverRetryMs),
    },
  });
  return { ...launched, holder: options.holder };
};
