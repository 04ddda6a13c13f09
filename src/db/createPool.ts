import pg from 'pg';
import type { Logger } from '../logger/index.ts';

export type PoolOptions = {
  readonly url: string;
  readonly max: number;
  /** How long opening a connection may take before it fails. */
  readonly connectTimeoutMs: number;
  /** statement_timeout of every session; 0 = none (bulk flushes and index builds run long). */
  readonly statementTimeoutMs?: number;
  /** idle_in_transaction_session_timeout of every session; 0 = none. */
  readonly idleInTransactionTimeoutMs?: number;
  readonly logger: Logger;
  /** Names the pool in its log lines. */
  readonly name?: string;
};

/**
 * Every PostgreSQL pool of the process is made here. A connection the server ends (a restart,
 * pg_terminate_backend, a network cut) makes pg emit 'error' on the pool when the client was
 * idle, and on the client itself when it was checked out between queries; with no listener that
 * is an uncaught exception that kills the process. Both are logged here instead: the dead client
 * is discarded, and the next query opens a new connection.
 */
export const createPool = (options: PoolOptions): pg.Pool => {
  const log = options.logger.child({ scope: 'postgres', pool: options.name ?? 'main' });
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    connectionTimeoutMillis: options.connectTimeoutMs,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    ...(options.idleInTransactionTimeoutMs
      ? { idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs }
      : {}),
  });
  // The client's own listener (below) has logged it already.
  pool.on('error', (err) => log.debug({ err }, 'idle postgres connection dropped'));
  pool.on('connect', (client) => {
    client.on('error', (err) => log.warn({ err }, 'postgres connection failed'));
  });
  return pool;
};
