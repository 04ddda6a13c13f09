import { describe, expect, it } from 'vitest';
import type { VersionRow, VersionStatus } from '../../src/registry/index.ts';
import { decideSwitch, firstInLine, type SwitchIntent } from '../../src/rebuild/decideSwitch.ts';

const name = 'customer-directory';

const row = (
  version: number,
  status: VersionStatus,
  extra: Partial<VersionRow> & { active?: number | null } = {},
): VersionRow => ({
  name,
  version,
  state: status === 'failed' ? { status, reason: 'bug' } : { status },
  stateAgeMs: 0,
  activeVersion: extra.active ?? null,
  definitionHash: 'h',
  hasTables: status !== 'building',
  requestedAt: null,
  fromScratch: false,
  paused: false,
  cancelled: false,
  changedBy: null,
  target: null,
  targetTotal: null,
  startedAt: null,
  phase: null,
  applied: 0n,
  rate: null,
  etaMs: null,
  builtAt: null,
  caughtUpAt: null,
  verification: null,
  lease: null,
  checkpoints: new Map(),
  ...extra,
});

const decide = (
  version: number,
  intent: SwitchIntent,
  expectedActive: number | null,
  rows: VersionRow[],
  last: { from: number | null; to: number; actor: string } | null = null,
) => decideSwitch({ name, version, intent, expectedActive, state: { rows, last } })?.message;

describe('deciding a switch', () => {
  it('names the lowest version on its way to serve as the first, skipping failed, retired, cancelled and never begun ones', () => {
    expect(firstInLine([row(1, 'catching-up'), row(2, 'catching-up')])).toBe(1);
    expect(firstInLine([row(1, 'building', { startedAt: new Date() }), row(2, 'catching-up')])).toBe(1);
    expect(firstInLine([row(1, 'failed'), row(2, 'catching-up')])).toBe(2);
    expect(firstInLine([row(1, 'retired'), row(2, 'catching-up')])).toBe(2);
    expect(
      firstInLine([row(1, 'building', { cancelled: true, hasTables: true }), row(2, 'catching-up')]),
    ).toBe(2);
    expect(firstInLine([row(1, 'building'), row(2, 'catching-up')])).toBe(2);
    expect(firstInLine([row(1, 'building', { paused: true, hasTables: true }), row(2, 'catching-up')])).toBe(
      1,
    );
  });

  it('lets the engine take a first version only while none serves, and only the first in line', () => {
    const first: SwitchIntent = { kind: 'first-version' };
    expect(decide(1, first, null, [row(1, 'catching-up'), row(2, 'catching-up')])).toBeUndefined();
    expect(decide(2, first, null, [row(1, 'catching-up'), row(2, 'catching-up')])).toMatch(/v1 comes first/);
    expect(
      decide(2, first, null, [row(1, 'live', { active: 1 }), row(2, 'catching-up', { active: 1 })]),
    ).toMatch(/changed hands meanwhile \(v1 serves reads, not none\)/);
  });

  it('lets the engine switch by itself only under auto, forward, to a new version, from the expected one, and not after a rollback', () => {
    const auto: SwitchIntent = { kind: 'auto', policy: () => 'auto' };
    const manual: SwitchIntent = { kind: 'auto', policy: () => 'manual' };
    const rows = [row(1, 'live', { active: 1 }), row(2, 'catching-up', { active: 1 })];
    expect(decide(2, auto, 1, rows)).toBeUndefined();
    expect(decide(2, manual, 1, rows)).toMatch(/policy is manual/);
    expect(decide(2, auto, 3, rows)).toMatch(/v1 serves reads, not v3/);
    expect(decide(2, auto, 1, [rows[0] as VersionRow, row(2, 'standby', { active: 1 })])).toMatch(
      /only cuts over to a new version/,
    );
    expect(
      decide(2, auto, 1, [rows[0] as VersionRow, row(2, 'catching-up', { active: 1, paused: true })]),
    ).toMatch(/is paused/);
    expect(decide(2, auto, 1, rows, { from: 3, to: 1, actor: 'bob' })).toMatch(
      /rolled back \(v3 to v1 by bob\)/,
    );
    expect(decide(2, auto, 1, rows, { from: null, to: 1, actor: 'rebuild-engine' })).toBeUndefined();
  });

  it('lets an operator roll back only to a standby, from the version the rollback looked at', () => {
    const rollback: SwitchIntent = { kind: 'rollback' };
    const rows = [row(1, 'standby', { active: 2 }), row(2, 'live', { active: 2 })];
    expect(decide(1, rollback, 2, rows)).toBeUndefined();
    expect(decide(1, rollback, 3, rows)).toMatch(/changed hands meanwhile/);
    expect(decide(1, rollback, 2, [row(1, 'retired', { active: 2 }), rows[1] as VersionRow])).toMatch(
      /retired/,
    );
  });
});
