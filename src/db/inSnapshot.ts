import type pg from 'pg';
import { inTransaction } from './inTransaction.ts';

/**
 * Runs `work` in a repeatable-read, read-only transaction on a connection of its own: one
 * snapshot for every statement, and nothing it can write.
 */
export const inSnapshot = <T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> =>
  inTransaction(pool, work, 'begin isolation level repeatable read read only');
