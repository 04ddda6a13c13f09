// PostgreSQL connections: the one place pools are made.
export { createPool } from './createPool.ts';
export { inTransaction } from './inTransaction.ts';
export { inOneRoundTrip, inTightTransaction } from './inTightTransaction.ts';
export { inlineStatement } from './inlineStatement.ts';
export { queryTogether } from './queryTogether.ts';
export { runStatement, type Statement } from './Statement.ts';
export { inSnapshot } from './inSnapshot.ts';
