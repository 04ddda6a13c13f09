import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/index.ts';
import { testLogger, useTestDatabase } from '../harness/testServices.ts';

const terminateOthers = async (url: string) => {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rowCount } = await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`,
    );
    return rowCount ?? 0;
  } finally {
    await admin.end();
  }
};

describe('createPool', () => {
  let url: string;
  beforeAll(async () => {
    url = await useTestDatabase();
  });

  it('survives the server ending its idle and checked-out connections, and connects again', async () => {
    const pool = createPool({ url, max: 3, connectTimeoutMs: 2_000, logger: testLogger() });
    try {
      await Promise.all([pool.query('select 1'), pool.query('select 1')]);
      const held = await pool.connect();
      await held.query('begin');
      expect(await terminateOthers(url)).toBeGreaterThanOrEqual(2);
      // Unhandled, either error would end this process (and fail the run) right here.
      await new Promise((r) => setTimeout(r, 500));
      held.release(true);
      const { rows } = await pool.query<{ ok: number }>('select 1 as ok');
      expect(rows).toEqual([{ ok: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('cuts a statement past its timeout and sets the idle-in-transaction timeout', async () => {
    const pool = createPool({
      url,
      max: 1,
      connectTimeoutMs: 2_000,
      statementTimeoutMs: 200,
      idleInTransactionTimeoutMs: 1_500,
      logger: testLogger(),
    });
    try {
      await expect(pool.query('select pg_sleep(2)')).rejects.toMatchObject({ code: '57014' });
      const { rows } = await pool.query<{ t: string }>(
        "select current_setting('idle_in_transaction_session_timeout') as t",
      );
      expect(rows[0]?.t).toBe('1500ms');
    } finally {
      await pool.end();
    }
  });
});
