import type pg from 'pg';
import { ProjectionistError } from '../errors/index.ts';
import { offsetVectorToJson, type LogClient } from '../log/index.ts';
import { activateVersion, type Activation, type ProjectionDefinition } from '../projections/index.ts';
import { readVersionRow } from './readVersionRows.ts';
import { verifyVersion, type Verification } from './verifyVersion.ts';
import { waitForCatchUp } from './waitForCatchUp.ts';
import { writeRebuild } from './writeRebuild.ts';

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
};

const differences = (verification: Verification): string =>
  verification.results
    .filter((r) => !r.ok)
    .map((r) =>
      r.note !== undefined && r.actual === null
        ? `${r.check}: ${r.note}`
        : `${r.check}: expected ${r.expected ?? '-'}, found ${r.actual ?? '-'}`,
    )
    .join('; ');

/**
 * The one way the stable views change hands: refuses, changing nothing, a version that cannot
 * serve or keep up (PRJ_NOT_FOUND, PRJ_VERSION_STATE: failed, retired, paused, already active),
 * one that is not built or behind the head of the log
 * (PRJ_NOT_CAUGHT_UP), and, when `verify`, one that fails its checks (PRJ_CHECK_FAILED); then
 * repoints the views in one transaction (activateVersion; PRJ_CUTOVER_BLOCKED when it gives up).
 */
export const switchVersion = async (
  options: SwitchOptions & {
    verify: boolean;
    onVerified?: (verification: Verification) => void;
    /** Refuse (PRJ_VERSION_STATE) unless this version still serves reads right before the switch. */
    expectedActive?: number | null;
  },
): Promise<CutoverResult> => {
  const { pool, client, name, version } = options;
  const row = await readVersionRow({ db: pool, name, version });
  if (row === undefined)
    throw new ProjectionistError('PRJ_NOT_FOUND', `${name} has no version ${version}`, {
      details: { name, version },
    });
  const status = row.state.status;
  if (row.activeVersion === version)
    throw new ProjectionistError('PRJ_VERSION_STATE', `${name} v${version} already serves reads`, {
      details: { name, version, status },
    });
  if (status === 'failed' || status === 'retired')
    throw new ProjectionistError(
      'PRJ_VERSION_STATE',
      `${name} v${version} is ${status}; it cannot serve reads`,
      {
        details: { name, version, status },
      },
    );
  if (row.paused)
    throw new ProjectionistError(
      'PRJ_VERSION_STATE',
      `${name} v${version} is paused: it would serve reads that no longer keep up; resume it first`,
      { details: { name, version, status, paused: true } },
    );
  if (status === 'building')
    throw new ProjectionistError(
      'PRJ_NOT_CAUGHT_UP',
      `${name} v${version} is still building (${row.applied} of ${row.targetTotal ?? '?'} records replayed)`,
      { details: { name, version, status, applied: row.applied.toString() } },
    );
  const catchUp = await waitForCatchUp({
    pool,
    client,
    name,
    version,
    waitMs: options.catchUpWaitMs ?? 2_000,
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
    if (!verification.passed)
      throw new ProjectionistError(
        'PRJ_CHECK_FAILED',
        `${name} v${version} failed its checks against v${verification.against ?? '-'}: ${differences(verification)}` +
          (verification.aligned
            ? ''
            : ' (compared at different log positions: writes kept the two apart; try again when quieter)'),
        { details: { name, version, verification } },
      );
  }
  if (options.expectedActive !== undefined) {
    const now = (await readVersionRow({ db: pool, name, version }))?.activeVersion ?? null;
    if (now !== options.expectedActive)
      throw new ProjectionistError(
        'PRJ_VERSION_STATE',
        `${name} changed hands meanwhile (v${now ?? '-'} serves reads, not v${options.expectedActive ?? '-'})`,
        { details: { name, version, active: now, expected: options.expectedActive } },
      );
  }
  const activation = await activateVersion({
    pool,
    projection: name,
    version,
    actor: options.actor,
    ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
    ...(options.maxWaitMs === undefined ? {} : { maxWaitMs: options.maxWaitMs }),
  });
  return { ...activation, verification };
};
