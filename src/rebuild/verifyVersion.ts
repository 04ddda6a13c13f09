import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { inSnapshot } from '../db/index.ts';
import { engineDefaults } from '../config/index.ts';
import { ProjectionistError } from '../errors/index.ts';
import { offsetVectorToJson, type OffsetVector } from '../log/index.ts';
import {
  readCheckpoints,
  readVersionActive,
  type CheckResult,
  type Verification,
} from '../registry/index.ts';
import { type ProjectionDefinition } from '../definitions/index.ts';
import { findDefinition } from './findDefinition.ts';
import { runCheck } from './runCheck.ts';

export type { Verification };

const sameVector = (a: OffsetVector, b: OffsetVector): boolean =>
  a.size === b.size && [...a].every(([p, o]) => b.get(p) === o);

/**
 * Runs the checks a version's definition declares: counts, sums and contents (same-rows) against
 * the active version (or `against`), and its no-rows invariants. A version that declares none is
 * `unverified` (not passed: nothing was compared). All run in one repeatable-read, read-only
 * snapshot that also reads both versions' checkpoints (committed with their rows), and the
 * snapshot is taken again (every 50 ms, up to `alignWaitMs`) until both stand at the same log
 * positions, so that the two are compared after the same events. PRJ_NOT_FOUND for a version
 * that is not deployed or not registered.
 */
export const verifyVersion = async (options: {
  pool: pg.Pool;
  definitions: readonly ProjectionDefinition[];
  name: string;
  version: number;
  against?: number;
  /** Default 2,000 ms. */
  alignWaitMs?: number;
}): Promise<Verification> => {
  const { pool, name, version } = options;
  const definition = findDefinition(options.definitions, name, version);
  const row = await readVersionActive({ db: pool, name, version });
  if (row === undefined)
    throw new ProjectionistError('PRJ_NOT_FOUND', `${name} v${version} is not registered`, {
      details: { name, version },
    });
  const base = options.against ?? row.activeVersion;
  const against = base === null || base === version ? null : base;
  const deadline = performance.now() + (options.alignWaitMs ?? engineDefaults.rebuild.alignWaitMs);
  for (;;) {
    const verification = await inSnapshot(pool, async (client) => {
      const positions = await readCheckpoints({ db: client, name, version });
      const againstPositions =
        against === null ? null : await readCheckpoints({ db: client, name, version: against });
      const aligned = againstPositions === null || sameVector(positions, againstPositions);
      if (!aligned && performance.now() < deadline) return undefined;
      const at = new Date().toISOString();
      const results: CheckResult[] = [];
      for (const check of definition.checks)
        results.push(await runCheck({ client, definition, check, against }));
      return {
        name,
        version,
        against,
        passed: results.length > 0 && results.every((r) => r.ok),
        outcome:
          results.length === 0
            ? ('unverified' as const)
            : results.every((r) => r.ok)
              ? ('passed' as const)
              : ('failed' as const),
        aligned,
        positions: offsetVectorToJson(positions),
        againstPositions: againstPositions === null ? null : offsetVectorToJson(againstPositions),
        at,
        results,
      };
    });
    if (verification !== undefined) return verification;
    await sleep(50);
  }
};
