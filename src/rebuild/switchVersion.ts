import type pg from 'pg';
import { engineDefaults } from '../config/index.ts';
import { ProjectionistError } from '../errors/index.ts';
import { offsetVectorToJson, type LogClient } from '../log/index.ts';
import { activateVersion, type Activation } from './activateVersion.ts';
import { type ProjectionDefinition } from '../definitions/index.ts';
import { decideSwitch, type SwitchIntent, type SwitchState } from './decideSwitch.ts';
import { readSwitchState } from './readSwitchState.ts';
import { verifyVersion } from './verifyVersion.ts';
import { waitForCatchUp } from './waitForCatchUp.ts';
import { type Verification, writeRebuild } from '../registry/index.ts';

export type CutoverResult = Activation & {
  /** The checks that let it through; null for a rollback, which runs none. */
  readonly verification: Verification | null;
};

export type SwitchOptions = {
  readonly pool: pg.Pool;
  readonly client: LogClient;
  readonly definitions: readonly ProjectionDefinition[];
  readonly name: string;
  readonly version: number;
  readonly actor: string;
  /** How long one attempt waits for a lock; readers queue behind it at most this long. Default 100 ms. */
  readonly lockTimeoutMs?: number;
  /** Bound on all attempts at the switch. Default 5,000 ms. */
  readonly maxWaitMs?: number;
  /** How long the version may take to commit up to the current high watermarks. Default 2,000 ms. */
  readonly catchUpWaitMs?: number;
  /**
   * The operator's word that a version declaring no checks may take over from an active version
   * all the same (`--unverified`). Without it such a cutover is refused (PRJ_UNVERIFIED).
   */
  readonly unverified?: boolean;
};

const differences = (verification: Verification): string =>
  verification.results
    .filter((r) => !r.ok)
    .map((r) =>
      r.note !== undefined && r.actual === null
        ? `${r.check}: ${r.note}`
        : r.content !== undefined
          ? `${r.check}: ${r.content.differingRows} rows differ (${r.actual ?? '-'} here, ${r.expected ?? '-'} in the active version), ` +
            `first ${r.content.firstKeys.map((k) => `${JSON.stringify(k.key)} ${k.side}`).join(', ')}`
          : `${r.check}: expected ${r.expected ?? '-'}, found ${r.actual ?? '-'}`,
    )
    .join('; ');

/**
 * The one way the stable views change hands. The decision is decideSwitch's, for `intent`,
 * against `expectedActive` (default: the version serving when it starts): made once up front to
 * refuse early, changing nothing (PRJ_NOT_FOUND; PRJ_VERSION_STATE: failed, retired, paused,
 * already active, changed hands, the intent's own rule; PRJ_NOT_CAUGHT_UP: building), then
 * again inside the transaction that repoints the views, under the projection row's lock, on
 * every attempt: that one counts, so nothing that changed meanwhile (a rollback, a pause, another
 * process's switch, the policy) is overridden by a switch decided before it. Between the two it
 * refuses a version behind the head of the log (PRJ_NOT_CAUGHT_UP) and, when `verify`, one that
 * fails its checks (PRJ_CHECK_FAILED). activateVersion does the switch (PRJ_CUTOVER_BLOCKED when
 * it gives up on the locks).
 */
export const switchVersion = async (
  options: SwitchOptions & {
    intent: SwitchIntent;
    verify: boolean;
    onVerified?: (verification: Verification) => void;
    /** The version that serves reads as the caller decided; the switch refuses if another does. */
    expectedActive?: number | null;
  },
): Promise<CutoverResult> => {
  const { pool, client, name, version, intent } = options;
  const before = await readSwitchState({ db: pool, name });
  const expectedActive =
    options.expectedActive !== undefined
      ? options.expectedActive
      : (before.rows.find((r) => r.version === version)?.activeVersion ?? null);
  const decide = (state: SwitchState) => {
    const refusal = decideSwitch({ name, version, intent, expectedActive, state });
    if (refusal !== undefined) throw refusal;
  };
  decide(before);
  const catchUp = await waitForCatchUp({
    pool,
    client,
    name,
    version,
    waitMs: options.catchUpWaitMs ?? engineDefaults.rebuild.catchUpWaitMs,
  });
  if (!catchUp.caughtUp)
    throw new ProjectionistError(
      'PRJ_NOT_CAUGHT_UP',
      `${name} v${version} is ${catchUp.lag} records behind the head of the log`,
      {
        details: {
          name,
          version,
          lag: catchUp.lag.toString(),
          positions: offsetVectorToJson(catchUp.positions),
          highWatermarks: offsetVectorToJson(catchUp.highWatermarks),
        },
      },
    );
  let verification: Verification | null = null;
  if (options.verify) {
    verification = await verifyVersion({ pool, definitions: options.definitions, name, version });
    await writeRebuild({ db: pool, name, version, fields: { verification } });
    options.onVerified?.(verification);
    if (verification.outcome === 'unverified' && verification.against !== null && options.unverified !== true)
      throw new ProjectionistError(
        'PRJ_UNVERIFIED',
        `${name} v${version} declares no checks, so nothing shows it equals v${verification.against}: ` +
          `declare checks (same-rows compares contents by key), or cut over with --unverified ` +
          `(admin API: "unverified": true)`,
        { details: { name, version, verification } },
      );
    if (verification.outcome === 'failed')
      throw new ProjectionistError(
        'PRJ_CHECK_FAILED',
        `${name} v${version} failed its checks against v${verification.against ?? '-'}: ${differences(verification)}` +
          (verification.aligned
            ? ''
            : ' (compared at different log positions: writes kept the two apart; try again when quieter)'),
        { details: { name, version, verification } },
      );
  }
  if (verification !== null && verification.against !== expectedActive)
    throw new ProjectionistError(
      'PRJ_VERSION_STATE',
      `${name} changed hands while the checks of v${version} ran (against v${verification.against ?? '-'}, ` +
        `not v${expectedActive ?? '-'})`,
      { details: { name, version, against: verification.against, expected: expectedActive } },
    );
  const activation = await activateVersion({
    pool,
    projection: name,
    version,
    actor: options.actor,
    decide: async (tx) => decide(await readSwitchState({ db: tx, name })),
    ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
    ...(options.maxWaitMs === undefined ? {} : { maxWaitMs: options.maxWaitMs }),
  });
  return { ...activation, verification };
};
