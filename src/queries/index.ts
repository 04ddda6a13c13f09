// Queries: reading rows of a projection's stable views.
export { readRows } from './readRows.ts';
