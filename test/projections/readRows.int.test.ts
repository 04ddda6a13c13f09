import pg from 'pg';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isProjectionistError } from '../../src/errors/index.ts';
import { activateVersion } from '../../src/rebuild/index.ts';
import { defineProjection, type ProjectionEvent } from '../../src/definitions/index.ts';
import { projectionTestKit } from '../../src/testing/index.ts';
import { readRows } from '../../src/queries/index.ts';
import { setVersionState } from '../../src/registry/index.ts';
import { useTestDatabase } from '../harness/testServices.ts';

const scores = defineProjection({
  name: 'scores',
  version: 1,
  tables: {
    scores: {
      columns: { team: 'text', round: 'integer', points: 'bigint', note: { type: 'text', nullable: true } },
      primaryKey: ['team', 'round'],
      indexes: [['points']],
    },
  },
  handlers: {
    Scored: {
      keys: () => [],
      apply: (e: ProjectionEvent<{ round: number; points: string; note: string | null }>, store) =>
        store.upsert('scores', {
          team: e.streamId,
          round: e.data.round,
          points: BigInt(e.data.points),
          note: e.data.note,
        }),
    },
  },
});

describe('reading rows', () => {
  let databaseUrl: string;
  let pool: pg.Pool;

  beforeAll(async () => {
    databaseUrl = await useTestDatabase();
  });
  // A pool of each test's own: pg destroys a connection whose query failed, as some here must.
  beforeEach(() => {
    pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  });
  afterEach(async () => {
    await pool.end();
  });

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (e: unknown) => e,
    );

  it('answers PRJ_NOT_FOUND while no version serves the projection', async () => {
    const kit = await projectionTestKit({ projection: scores, databaseUrl });
    await kit.close();
    const error = await failure(readRows({ pool, definition: scores, table: 'scores' }));
    expect(isProjectionistError(error, 'PRJ_NOT_FOUND')).toBe(true);
  });

  it('pages through the active version by primary key with an opaque cursor, filters included', async () => {
    const kit = await projectionTestKit({ projection: scores, databaseUrl });
    try {
      const events = [];
      for (const team of ['ajax', 'psv', 'az'])
        for (let round = 1; round <= 85; round++)
          events.push({
            type: 'Scored',
            streamId: team,
            data: { round, points: String(round * 3), note: round % 10 === 0 ? null : `r${round}` },
          });
      await kit.given(events);
    } finally {
      await kit.close();
    }
    await setVersionState({ db: pool, name: 'scores', version: 1, state: { status: 'catching-up' } });
    await activateVersion({ pool, projection: 'scores', version: 1, actor: 'test' });

    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await readRows({
        pool,
        definition: scores,
        table: 'scores',
        limit: 100,
        ...(after === undefined ? {} : { after }),
      });
      pages++;
      seen.push(...page.rows.map((r) => `${r.team as string}/${r.round as number}`));
      after = page.next ?? undefined;
    } while (after !== undefined);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(255);
    expect(new Set(seen).size).toBe(255);
    expect(seen.slice(0, 2)).toEqual(['ajax/1', 'ajax/2']);
    expect(seen.at(-1)).toBe('psv/85');

    const filtered = await readRows({
      pool,
      definition: scores,
      table: 'scores',
      filters: { team: 'az', points: '30' },
    });
    expect(filtered).toEqual({ rows: [{ team: 'az', round: 10, points: '30', note: null }], next: null });
    const nulls = await readRows({
      pool,
      definition: scores,
      table: 'scores',
      filters: { team: 'psv', note: null },
      limit: 3,
    });
    expect(nulls.rows.map((r) => r.round)).toEqual([10, 20, 30]);
    expect(nulls.next).not.toBeNull();
  });

  it('checks every name and value against the definition', async () => {
    const cases: [Parameters<typeof readRows>[0], string][] = [
      [{ pool, definition: scores, table: 'players' }, 'PRJ_NOT_FOUND'],
      [
        { pool, definition: scores, table: 'scores', filters: { 'team; drop table x': 'a' } },
        'PRJ_VALIDATION',
      ],
      [{ pool, definition: scores, table: 'scores', filters: { points: 'lots' } }, 'PRJ_VALIDATION'],
      [{ pool, definition: scores, table: 'scores', filters: { round: '99999999999' } }, 'PRJ_VALIDATION'],
      [{ pool, definition: scores, table: 'scores', limit: 0 }, 'PRJ_VALIDATION'],
      [{ pool, definition: scores, table: 'scores', limit: 1001 }, 'PRJ_VALIDATION'],
      [{ pool, definition: scores, table: 'scores', after: 'not-a-cursor' }, 'PRJ_VALIDATION'],
      [
        { pool, definition: scores, table: 'scores', after: Buffer.from('["a","b"]').toString('base64url') },
        'PRJ_VALIDATION',
      ],
    ];
    for (const [options, code] of cases) {
      const error = await failure(readRows(options));
      expect(
        isProjectionistError(error),
        JSON.stringify({ ...options, pool: undefined, definition: undefined }),
      ).toBe(true);
      expect((error as { code: string }).code).toBe(code);
    }
  });
});
