import type pg from 'pg';

/**
 * Runs `open`, `work` and `close` on a connection of its own: `open` begins the transaction and
 * `close` commits it; rolled back when any of them throws. A connection that failed
 * mid-transaction is destroyed, not pooled again.
 */
export const transactionOn = async <T>(
  pool: pg.Pool,
  open: (client: pg.PoolClient) => Promise<void>,
  work: (client: pg.PoolClient) => Promise<T>,
  close: (client: pg.PoolClient) => Promise<void>,
): Promise<T> => {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await open(client);
    const result = await work(client);
    await close(client);
    return result;
  } catch (error) {
    await client.query('rollback').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.release(broken);
  }
};

/**
 * Runs `work` in one transaction on a connection of its own: committed when it resolves, rolled
 * back when it throws. A connection that failed mid-transaction is destroyed, not pooled again.
 */
export const inTransaction = <T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  /** The statement that opens it, for another isolation level or access mode. */
  begin = 'begin',
): Promise<T> =>
  transactionOn(
    pool,
    async (client) => {
      await client.query(begin);
    },
    work,
    async (client) => {
      await client.query('commit');
    },
  );
