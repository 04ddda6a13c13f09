// Queries: reading rows of a projection's stable views.
export { readRows, type JsonRow, type RowsPage } from './readRows.ts';
