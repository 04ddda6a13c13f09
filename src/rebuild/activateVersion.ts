import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { engineDefaults } from '../config/index.ts';
import { ProjectionistError } from '../errors/index.ts';
import { findLockBlockers, findLockHolders, type LockBlocker } from './findLockBlockers.ts';
import { inTransaction, runStatement } from '../db/index.ts';
import { stableSchemaName, versionSchemaName } from '../definitions/index.ts';
import { insertAudit, lockProjection, lockVersionRow } from '../registry/index.ts';
import { lockTimeoutStatement } from './lockTimeoutStatement.ts';
import {
  backendPidStatement,
  stableViewsStatement,
  switchWrites,
  versionTablesStatement,
} from './switchStatements.ts';

export type Activation = {
  readonly name: string;
  readonly from: number | null;
  readonly to: number;
  readonly tookMs: number;
};

const refused = new Set(['building', 'failed', 'retired']);

/**
 * The caller's decision, made inside the switching transaction while it holds the projection's
 * row (`for update`) and the version's row (`for no key update`): whatever the caller reads
 * through `tx` stays as it is until the commit, as far as those rows are concerned. Throw to
 * refuse; nothing changes.
 */
export type ActivationDecision = (tx: pg.PoolClient) => Promise<void>;

const activateOnce = (options: {
  pool: pg.Pool;
  projection: string;
  version: number;
  actor: string;
  lockTimeoutMs: number;
  decide: ActivationDecision | undefined;
  /** Told this transaction's backend pid, so that a watcher can ask who blocks it. */
  onBackend: (pid: number) => void;
}) =>
  inTransaction(options.pool, async (client): Promise<Activation> => {
    const { projection: name, version, actor } = options;
    const started = performance.now();
    const backend = await runStatement<{ pid: number }>(client, backendPidStatement);
    options.onBackend(backend.rows[0]?.pid ?? 0);
    await runStatement(client, lockTimeoutStatement(options.lockTimeoutMs));
    // The projection row's lock serializes cutovers of one projection, and every operator's change
    // to its versions (pause, resume, cancel, retire, rebuild requests take it too).
    const row = await lockProjection({ db: client, name, version });
    if (row === undefined) throw new ProjectionistError('PRJ_NOT_FOUND', `no projection named ${name}`);
    // The version's row: its state cannot change (a runner marking it failed) under the decision.
    const status = await lockVersionRow({ db: client, name, version });
    await options.decide?.(client);
    if (status === undefined)
      throw new ProjectionistError('PRJ_NOT_FOUND', `${name} has no version ${version}`);
    if (refused.has(status))
      throw new ProjectionistError(
        'PRJ_VERSION_STATE',
        `${name} v${version} is ${status}; it cannot serve reads`,
        {
          details: { name, version, status },
        },
      );
    const schema = versionSchemaName(name, version);
    const tables = (
      await runStatement<{ tablename: string }>(client, versionTablesStatement(schema))
    ).rows.map((r) => r.tablename);
    if (tables.length === 0)
      throw new ProjectionistError('PRJ_VERSION_STATE', `${name} v${version} has no tables yet`, {
        details: { name, version },
      });
    const stable = row.schemaName;
    const views = (await runStatement<{ viewname: string }>(client, stableViewsStatement(stable))).rows.map(
      (r) => r.viewname,
    );
    const from = row.activeVersion;
    // The same statements `projectionist plan` prints (switchTransaction).
    for (const statement of switchWrites({ name, version, stable, tables, views, from }))
      await runStatement(client, statement);
    const tookMs = Math.round(performance.now() - started);
    await insertAudit({ db: client, name, from, to: version, actor, tookMs });
    return { name, from, to: version, tookMs };
  });

/** Why a cutover gave up: each attempt waited lock_timeout for these sessions' locks. */
const blocked = async (options: {
  pool: pg.Pool;
  projection: string;
  version: number;
  attempts: number;
  waitedMs: number;
  lockTimeoutMs: number;
  seen: readonly LockBlocker[];
  cause: unknown;
}): Promise<ProjectionistError> => {
  const { projection: name, version } = options;
  // Seen while an attempt waited; else whoever holds locks on the views (or the version's tables) now.
  const blockers =
    options.seen.length > 0
      ? options.seen
      : await findLockHolders({
          db: options.pool,
          schemas: [stableSchemaName(name), versionSchemaName(name, version)],
        }).catch(() => []);
  const named = blockers
    .map(
      (b) =>
        `pid ${b.pid} (${b.state ?? 'unknown state'}` +
        `${b.xactAgeMs === null ? '' : `, transaction open ${Math.round(b.xactAgeMs)} ms`}` +
        `${b.query === null ? '' : `, last query: ${b.query.replace(/\s+/g, ' ').slice(0, 120)}`})`,
    )
    .join('; ');
  return new ProjectionistError(
    'PRJ_CUTOVER_BLOCKED',
    `the cutover of ${name} to v${version} gave up after ${options.attempts} attempts in ${options.waitedMs} ms: ` +
      (named === '' ? 'the sessions that held its locks have ended' : `blocked by ${named}`),
    {
      cause: options.cause,
      details: {
        name,
        version,
        attempts: options.attempts,
        waitedMs: options.waitedMs,
        lockTimeoutMs: options.lockTimeoutMs,
        blockers,
      },
    },
  );
};

/**
 * Points every stable view of a projection (`<name>.<table>`) at one version's tables, in one
 * transaction that also records the cutover in the audit: readers see the old version or the
 * new one, never a mix. Views of tables the version lacks are dropped.
 * Each attempt takes its locks with a short lock_timeout, so a reader arriving meanwhile queues
 * behind it for that long at most; a failed attempt is retried with backoff until `maxWaitMs`.
 * PRJ_NOT_FOUND for an unknown projection or version; PRJ_VERSION_STATE for a version that is
 * building, failed or retired; what `decide` throws, when the caller's own rule refuses under
 * the locks (checked again on every attempt, so a decision is never older than its attempt);
 * PRJ_CUTOVER_BLOCKED, naming the sessions that held the locks
 * (pid, state, query, transaction age), when it gives up. Nothing changes unless it succeeds.
 */
export const activateVersion = async (options: {
  pool: pg.Pool;
  projection: string;
  version: number;
  actor: string;
  /** How long one attempt waits for a lock. Default 100 ms. */
  lockTimeoutMs?: number;
  /** Bound on all attempts and the pauses between them. Default 5,000 ms. */
  maxWaitMs?: number;
  /** At most this many attempts. Default: as many as fit in `maxWaitMs`. */
  attempts?: number;
  /** Run in every attempt, under the locks, before anything changes; its refusal ends the switch. */
  decide?: ActivationDecision;
}): Promise<Activation> => {
  const lockTimeoutMs = options.lockTimeoutMs ?? engineDefaults.cutover.lockTimeoutMs;
  const maxWaitMs = options.maxWaitMs ?? engineDefaults.cutover.maxWaitMs;
  const started = performance.now();
  let seen: readonly LockBlocker[] = [];
  let longestMs = 0;
  for (let attempt = 1; ; attempt++) {
    let watch: NodeJS.Timeout | undefined;
    let watching: Promise<LockBlocker[]> | undefined;
    const attemptStarted = performance.now();
    try {
      return await activateOnce({
        ...options,
        lockTimeoutMs,
        decide: options.decide,
        onBackend: (pid) => {
          watch = setTimeout(
            () => {
              watching = findLockBlockers({ db: options.pool, pid }).catch(() => []);
            },
            Math.ceil(lockTimeoutMs / 2),
          );
        },
      });
    } catch (error) {
      // 55P03: lock_not_available (readers held the views longer than lock_timeout).
      if ((error as { code?: unknown }).code !== '55P03') throw error;
      clearTimeout(watch);
      const found = (await watching) ?? [];
      if (found.length > 0) seen = found;
      const waitedMs = Math.round(performance.now() - started);
      // What is left of the bound once another attempt, as long as the longest so far, has run.
      longestMs = Math.max(longestMs, performance.now() - attemptStarted);
      const spareMs = maxWaitMs - waitedMs - longestMs;
      if (attempt >= (options.attempts ?? Infinity) || spareMs < 0)
        throw await blocked({ ...options, attempts: attempt, waitedMs, lockTimeoutMs, seen, cause: error });
      // Backoff up to a second: a long wait would leave the views to a reader's next long query.
      await sleep(Math.min(Math.floor(spareMs), 25 * 2 ** Math.min(attempt, 5)));
    } finally {
      clearTimeout(watch);
    }
  }
};
