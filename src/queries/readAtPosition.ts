import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { inTransaction } from '../db/index.ts';
import { qualifiedName, type ProjectionDefinition } from '../definitions/index.ts';
import { ProjectionistError } from '../errors/index.ts';
import { formatPositionToken, passesPositions, type OffsetVector } from '../log/index.ts';
import { readServingCheckpoints } from '../registry/index.ts';

export type Db = pg.Pool | pg.PoolClient;

/** What a read with a position token answered, and how it stood. */
export type PositionedRead<T> = {
  readonly result: T;
  /** The version that served the read, and its checkpoints when it did. */
  readonly version: number;
  readonly at: OffsetVector;
  /** True when the wait ran out and the caller allowed a stale answer. */
  readonly stale: boolean;
};

const notServed = (projection: string) =>
  new ProjectionistError('PRJ_NOT_FOUND', `no projection '${projection}' serves reads`);

/** How far `at` is behind `position`, per partition named, for the stale-read refusal. */
const behind = (at: OffsetVector, position: OffsetVector): string =>
  [...position]
    .filter(([p, offset]) => (at.get(p) ?? 0n) < offset)
    .map(([p, offset]) => `${offset - (at.get(p) ?? 0n)} on partition ${p}`)
    .join(', ');

/**
 * Runs `read` against the version a projection serves once that version has passed `position`
 * (its checkpoints, committed with its rows, reach the token on every partition it names): the
 * read then shows every event before the token. Polls the checkpoints (2 ms, doubling to
 * `pollMs`) for at most `waitMs`; then PRJ_STALE_READ naming how far the version is, or, with
 * `allowStale`, the read as it stands, marked stale.
 *
 * A cutover between the check and the read would serve the read from a version that may not
 * have passed the token (a version takes over once caught up with the head of the log as it was
 * a moment before, not with this token). So the read runs in a transaction that first takes
 * ACCESS SHARE on the table's stable view (a cutover replaces the views under ACCESS EXCLUSIVE,
 * so none can land until the read ends), then checks the serving version and its checkpoints
 * again, and reads only if both still hold; otherwise it looks again. The lock is taken only
 * once the token is passed, never while waiting, so a cutover is delayed by one read at most.
 */
export const readAtPosition = async <T>(options: {
  pool: pg.Pool;
  projection: string;
  table: string;
  /** Every deployed version: the read uses the definition of the version that serves. */
  definitions: readonly ProjectionDefinition[];
  position: OffsetVector;
  waitMs: number;
  allowStale: boolean;
  pollMs: number;
  read: (db: Db, definition: ProjectionDefinition) => Promise<T>;
}): Promise<PositionedRead<T>> => {
  const { pool, projection, position } = options;
  const definitionOf = (version: number) => {
    const definition = options.definitions.find((d) => d.name === projection && d.version === version);
    if (definition === undefined) throw notServed(projection);
    return definition;
  };
  const deadline = performance.now() + options.waitMs;
  for (let pause = 2; ; pause = Math.min(options.pollMs, pause * 2)) {
    const serving = await readServingCheckpoints({ db: pool, projection });
    if (serving === undefined) throw notServed(projection);
    if (passesPositions(serving.checkpoints, position)) {
      const answer = await inTransaction(pool, async (client) => {
        const definition = definitionOf(serving.version);
        const table = definition.model.tables.get(options.table);
        if (table !== undefined) {
          const view = qualifiedName(definition.model.stableSchema, table.name);
          await client.query(`lock table ${view} in access share mode`).catch((error: unknown) => {
            // 42P01: the view does not exist (the version that serves has no such table).
            if ((error as { code?: unknown }).code === '42P01')
              throw new ProjectionistError(
                'PRJ_NOT_FOUND',
                `${projection}.${table.name} is not being served (no active version has it)`,
              );
            throw error;
          });
        }
        const now = await readServingCheckpoints({ db: client, projection });
        if (now?.version !== serving.version || !passesPositions(now.checkpoints, position)) return undefined;
        return { result: await options.read(client, definition), version: now.version, at: now.checkpoints };
      });
      if (answer !== undefined) return { ...answer, stale: false };
      continue;
    }
    const left = deadline - performance.now();
    if (left <= 0) {
      if (options.allowStale)
        return {
          result: await options.read(pool, definitionOf(serving.version)),
          version: serving.version,
          at: serving.checkpoints,
          stale: true,
        };
      throw new ProjectionistError(
        'PRJ_STALE_READ',
        `${projection} v${serving.version} has not passed position ${formatPositionToken(position)} ` +
          `within ${options.waitMs} ms: it is at ${formatPositionToken(serving.checkpoints) || 'the start'} ` +
          `(behind by ${behind(serving.checkpoints, position)}); retry, or send Projectionist-Allow-Stale: true`,
        {
          details: {
            projection,
            version: serving.version,
            position: formatPositionToken(position),
            at: formatPositionToken(serving.checkpoints),
          },
        },
      );
    }
    await sleep(Math.min(pause, left));
  }
};
