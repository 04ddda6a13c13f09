// Queries: reading rows of a projection's stable views (and, for shadow reads, of a version's own tables).
export {
  readRows,
  rowsStatement,
  rowsPage,
  type RowsPage,
  type RowsQuery,
  type JsonRow,
} from './readRows.ts';
export { readAtPosition, type PositionedRead } from './readAtPosition.ts';
