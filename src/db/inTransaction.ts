import type pg from 'pg';

/**
 * Runs `work` in one transaction on a connection of its own: committed when it resolves, rolled
 * back when it throws. A connection that failed mid-transaction is destroyed, not pooled again.
 */
export const inTransaction = async <T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  /** The statement that opens it, for another isolation level or access mode. */
  begin = 'begin',
): Promise<T> => {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('commit');
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
