// PostgreSQL connections: the one place pools are made.
export { createPool, type PoolOptions } from './createPool.ts';
export { inTransaction } from './inTransaction.ts';
