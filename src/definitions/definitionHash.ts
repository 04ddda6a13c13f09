import { createHash } from 'node:crypto';
import type { ProjectionInput, ProjectionModel, TablesSpec } from './projectionTypes.ts';

/**
 * sha256 over a canonical form of what decides a version's rows: its name and version, its
 * tables (columns in declared order, keys, indexes) and the source text of every handler.
 * Checks and the description are left out: changing them changes no row. Code a handler calls
 * outside its own text is not seen; keep handlers self-contained or bump the version anyway.
 */
export const definitionHash = (input: ProjectionInput<TablesSpec>, model: ProjectionModel): string => {
  const tables = [...model.tables.values()]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((t) => ({
      name: t.name,
      columns: t.columns.map((c) => [c.name, c.type, c.nullable]),
      primaryKey: t.primaryKey.map((c) => c.name),
      indexes: t.indexes,
    }));
  const handlers = Object.keys(input.handlers)
    .sort()
    .map((type) => {
      const handler = input.handlers[type];
      return [type, handler?.keys.toString() ?? '', handler?.apply.toString() ?? ''];
    });
  const canonical = JSON.stringify({ name: model.name, version: model.version, tables, handlers });
  return createHash('sha256').update(canonical).digest('hex');
};
