import { qualifiedName } from './schemaNames.ts';

/**
 * A declared query with every `{table}` made the table of `schema` (a version's schema). The
 * tokens are SQL names by their pattern, so what they become is always a quoted identifier.
 */
export const fillTables = (sql: string, schema: string): string =>
  sql.replace(/\{([a-z_][a-z0-9_]*)\}/g, (_token, table: string) => qualifiedName(schema, table));
