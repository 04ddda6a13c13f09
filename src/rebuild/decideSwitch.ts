import { ProjectionistError } from '../errors/index.ts';
import type { LastSwitch, VersionRow } from '../registry/index.ts';

/** Who decides that a caught-up, verified version takes over reads: the engine, or an operator. */
export type CutoverPolicy = 'auto' | 'manual';

/** Why the stable views are to change hands; each kind has its own rule (decideSwitch). */
export type SwitchIntent =
  /** An operator's cutover (its checks ran against the version expected to be active). */
  | { readonly kind: 'cutover' }
  /** An operator's rollback to the standby that served before the active version. */
  | { readonly kind: 'rollback' }
  /** The engine: a projection that serves no version takes its first. */
  | { readonly kind: 'first-version' }
  /** The engine, under the auto policy: a newer caught-up version takes over from the active one. */
  | { readonly kind: 'auto'; readonly policy: () => CutoverPolicy };

/** What a switch is decided on: read under the projection row's lock in the switching transaction. */
export type SwitchState = {
  /** Every registered version of the projection. */
  readonly rows: readonly VersionRow[];
  readonly last: LastSwitch | null;
};

/**
 * Whether a version is on its way to serve reads, for the first-version rule: not failed,
 * retired or cancelled, and its build has begun or been asked for. Paused counts: a pause is
 * temporary (cancel or retire a version to let a later one go first).
 */
const onItsWay = (row: VersionRow): boolean =>
  row.state.status !== 'failed' &&
  row.state.status !== 'retired' &&
  !row.cancelled &&
  (row.state.status !== 'building' || row.hasTables || row.startedAt !== null || row.requestedAt !== null);

/**
 * The version that a projection serving none takes first: the lowest one on its way to serve.
 * Deterministic whichever process, or version, catches up first; null when there is none.
 */
export const firstInLine = (rows: readonly VersionRow[]): number | null =>
  rows
    .filter(onItsWay)
    .reduce<number | null>((low, r) => (low === null || r.version < low ? r.version : low), null);

const refuse = (message: string, details: Record<string, unknown>) =>
  new ProjectionistError('PRJ_VERSION_STATE', message, { details });

/**
 * The rule of every switch, in one place: answers why `version` may not take over reads now
 * (a PRJ_NOT_FOUND, PRJ_NOT_CAUGHT_UP or PRJ_VERSION_STATE error naming what stands in the way),
 * or undefined when it may. `expectedActive` is the version the decision was made against: the
 * switch is refused when another one serves reads by now. Pure; switchVersion runs it before its
 * checks (to refuse early) and again inside the transaction that repoints the views, under the
 * projection row's lock, where its answer is the one that counts.
 */
export const decideSwitch = (options: {
  name: string;
  version: number;
  intent: SwitchIntent;
  expectedActive: number | null;
  state: SwitchState;
}): ProjectionistError | undefined => {
  const { name, version, intent, expectedActive, state } = options;
  const row = state.rows.find((r) => r.version === version);
  if (row === undefined)
    return new ProjectionistError('PRJ_NOT_FOUND', `${name} has no version ${version}`, {
      details: { name, version },
    });
  const status = row.state.status;
  const active = row.activeVersion;
  const details = { name, version, status, active, expected: expectedActive, intent: intent.kind };
  if (active === version) return refuse(`${name} v${version} already serves reads`, details);
  if (status === 'failed' || status === 'retired')
    return refuse(`${name} v${version} is ${status}; it cannot serve reads`, details);
  if (row.paused)
    return refuse(
      `${name} v${version} is paused: it would serve reads that no longer keep up; resume it first`,
      { ...details, paused: true },
    );
  if (status === 'building')
    return new ProjectionistError(
      'PRJ_NOT_CAUGHT_UP',
      `${name} v${version} is still building (${row.applied} of ${row.targetTotal ?? '?'} records replayed)`,
      { details: { ...details, applied: row.applied.toString() } },
    );
  if (active !== expectedActive)
    return refuse(
      `${name} changed hands meanwhile (${active === null ? 'no version' : `v${active}`} serves reads, ` +
        `not ${expectedActive === null ? 'none' : `v${expectedActive}`})`,
      details,
    );
  switch (intent.kind) {
    case 'cutover':
      return undefined;
    case 'rollback':
      return status === 'standby'
        ? undefined
        : refuse(`${name} v${version} is ${status}, not standby: there is nothing to roll back to`, details);
    case 'first-version': {
      if (active !== null)
        return refuse(`${name} serves v${active} already: the first-version rule does not apply`, details);
      const first = firstInLine(state.rows);
      return first === version
        ? undefined
        : refuse(`${name} serves no version yet and v${first ?? '-'} comes first, not v${version}`, {
            ...details,
            first,
          });
    }
    case 'auto': {
      if (intent.policy() !== 'auto')
        return refuse(
          `${name}'s cutover policy is manual: only an operator moves its reads to v${version}`,
          details,
        );
      if (active === null || version < active)
        return refuse(`${name} v${version} is not newer than the active version`, details);
      // A standby served reads before: only an operator brings it back.
      if (status !== 'catching-up')
        return refuse(
          `${name} v${version} is ${status}; the engine only cuts over to a new version`,
          details,
        );
      const { last } = state;
      if (last !== null && last.from !== null && last.to < last.from)
        return refuse(
          `${name} was rolled back (v${last.from} to v${last.to} by ${last.actor}): automatic cutovers ` +
            `wait for an operator's cutover`,
          { ...details, last },
        );
      return undefined;
    }
  }
};
